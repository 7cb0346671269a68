"""Reactions to order, logistics and stock events: reserve, release, amend, commit, restock, and
fill back-orders when stock arrives."""

from __future__ import annotations

from shared.events.envelope import Envelope
from shared.events.inventory import ReleaseReason, StockAdjusted, StockReceived, StockReleased
from shared.events.logistics import ItemCondition, ReturnReceived, Shipped
from shared.events.order import (
    OrderAmendmentAccepted,
    OrderCancelled,
    OrderPlaced,
    OrderRejected,
)
from shared.service.context import CommandContext
from shared.service.policy import Policy, reaction_context
from shared.sql import Database

from .domain.commands import (
    ChangeReservedQuantity,
    Command,
    CommitShipment,
    FillBackorder,
    ReleaseStock,
    ReserveStock,
    RestockReturn,
    order_of,
    skus_of,
)
from .domain.streams import StockStreams
from .views.reservations import Reservations

ORDERS = "inventory.reservations"
SHIPMENTS = "inventory.shipments"
BACKORDERS = "inventory.backorders"
FILLS_PER_DELIVERY = 50
"""Back-orders tried per stock movement, oldest first (the rest wait for the next one)."""


def restocked(event: object) -> tuple[str, ...]:
    """The SKUs a stock movement made more of available (a back-order may now fit)."""
    match event:
        case StockReceived(sku=sku):
            return (sku,)
        case StockAdjusted(sku=sku, delta=delta) if delta > 0:
            return (sku,)
        case StockReleased(releases=releases):
            return tuple(sorted({a.sku for a in releases}))
    return ()


def order_command(envelope: Envelope) -> Command | None:
    """The reservation change an order event asks for (one consumer keeps them in order)."""
    match envelope.event:
        case OrderPlaced() as placed:
            return ReserveStock(
                order_id=placed.order_id,
                supplier_id=placed.supplier_id,
                order_type=placed.order_type,
                delivery_region=placed.delivery_region,
                lines=placed.lines,
            )
        case OrderCancelled(order_id=order_id):
            return ReleaseStock(order_id, ReleaseReason.ORDER_CANCELLED)
        case OrderRejected(order_id=order_id):
            return ReleaseStock(order_id, ReleaseReason.ORDER_REJECTED)
        case OrderAmendmentAccepted(order_id=order_id, changes=changes):
            lines = tuple((c.line_no, c.sku, c.quantity) for c in changes if c.quantity is not None)
            return ChangeReservedQuantity(order_id, lines) if lines else None
    return None


def shipment_command(envelope: Envelope) -> Command | None:
    """Shipped goods leave stock; resellable returns come back on hand (as StockReceived)."""
    match envelope.event:
        case Shipped() as shipped:
            return CommitShipment(
                order_id=shipped.order_id,
                shipment_id=shipped.shipment_id,
                warehouse_id=shipped.warehouse_id,
                lines=shipped.lines,
            )
        case ReturnReceived() as received:
            lines = tuple(
                (line.line_no, line.sku, line.quantity)
                for line in received.lines
                if line.condition is ItemCondition.RESELLABLE
            )
            if lines:
                return RestockReturn(received.return_id, received.warehouse_id, lines)
    return None


def _stream(command: Command) -> str:
    order_id = order_of(command)
    return f"reservation-{order_id}" if order_id else f"stock-{skus_of(command)[0]}"


def reactions(streams: StockStreams, reservations: Reservations, engine: Database) -> list[Policy]:
    """Reserve for orders, commit what ships, restock returns, fill back-orders."""

    async def on_order(envelope: Envelope) -> None:
        command = order_command(envelope)
        if command is not None:
            await streams.handle(command, reaction_context(ORDERS, envelope), _stream(command))

    async def on_shipment(envelope: Envelope) -> None:
        command = shipment_command(envelope)
        if command is not None:
            await streams.handle(command, reaction_context(SHIPMENTS, envelope), _stream(command))

    async def on_restock(envelope: Envelope) -> None:
        skus = restocked(envelope.event)
        if not skus:
            return
        # The back-order list is a read model of this same source: the dispatcher folded this
        # batch into it, in this transaction, before any policy runs.
        waiting = await reservations.backordered(engine, skus)
        for backorder in waiting[:FILLS_PER_DELIVERY]:
            order_id = backorder.order_id
            # Event ids from (cause, order): a redelivered cause repeats exactly these ids.
            reaction = CommandContext.reaction(
                BACKORDERS, envelope.event_id, order_id, offset=(order_id.int % 10**9) * 1000
            )
            command = FillBackorder(order_id, backorder.warehouse_id, backorder.lines)
            await streams.handle(command, reaction, f"reservation-{order_id}")

    return [
        Policy(
            ORDERS,
            source="order",
            event_types=(OrderPlaced, OrderCancelled, OrderRejected, OrderAmendmentAccepted),
            handle=on_order,
        ),
        Policy(
            SHIPMENTS, source="logistics", event_types=(Shipped, ReturnReceived), handle=on_shipment
        ),
        Policy(
            BACKORDERS,
            source="inventory",
            event_types=(StockReceived, StockAdjusted, StockReleased),
            handle=on_restock,
        ),
    ]
