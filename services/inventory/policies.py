"""Reactions to order and logistics events: reserve, release, amend, commit, restock."""

from __future__ import annotations

from services.inventory.domain import (
    ChangeReservedQuantity,
    Command,
    CommitShipment,
    ReleaseStock,
    ReserveStock,
    RestockReturn,
)
from services.inventory.domain.commands import order_of, skus_of
from services.inventory.ledger import StockLedger
from shared.events.envelope import Envelope
from shared.events.inventory import ReleaseReason
from shared.events.logistics import ItemCondition, ReturnReceived, Shipped
from shared.events.order import (
    OrderAmendmentAccepted,
    OrderCancelled,
    OrderPlaced,
    OrderRejected,
)
from shared.service.policy import Policy, reaction_context

ORDERS = "inventory.reservations"
SHIPMENTS = "inventory.shipments"


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


def make_policies(ledger: StockLedger) -> list[Policy]:
    async def on_order(envelope: Envelope) -> None:
        command = order_command(envelope)
        if command is not None:
            await ledger.handle(command, reaction_context(ORDERS, envelope), _stream(command))

    async def on_shipment(envelope: Envelope) -> None:
        command = shipment_command(envelope)
        if command is not None:
            await ledger.handle(command, reaction_context(SHIPMENTS, envelope), _stream(command))

    return [
        Policy(
            ORDERS,
            source="order",
            event_types={
                "OrderPlaced",
                "OrderCancelled",
                "OrderRejected",
                "OrderAmendmentAccepted",
            },
            handle=on_order,
        ),
        Policy(
            SHIPMENTS,
            source="logistics",
            event_types={"Shipped", "ReturnReceived"},
            handle=on_shipment,
        ),
    ]
