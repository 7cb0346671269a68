"""Reactions: note what order and inventory decided about an order, which plans its shipments."""

from __future__ import annotations

from collections.abc import Callable

from services.logistics.domain.fulfilment import FulfilmentCommand
from services.logistics.domain.planning import (
    NoteCancellation,
    NoteConfirmation,
    NoteDeliveryDetails,
    NoteRelease,
    NoteReservation,
    PlanningCommand,
)
from services.logistics.domain.state import Fulfilment
from shared.events.envelope import Envelope
from shared.events.inventory import StockReleased, StockReserved
from shared.events.order import OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected
from shared.events.values import OrderLine
from shared.service.context import CommandContext
from shared.service.policy import Policy
from shared.service.repository import Repository

ORDER_FACTS = "logistics.order_facts"
RESERVATIONS = "logistics.reservations"


def order_command(envelope: Envelope) -> PlanningCommand | None:
    """What an order-service event means for the order's fulfilment."""
    event, cause = envelope.event, envelope.event_id
    match event:
        case OrderPlaced():
            return NoteDeliveryDetails(
                order_id=event.order_id,
                buyer_id=event.buyer_id,
                supplier_id=event.supplier_id,
                delivery_region=event.delivery_region,
                delivery_address_id=event.delivery_address_id,
                requested_delivery_date=event.requested_delivery_date,
            )
        case OrderConfirmed():
            lines = tuple(
                OrderLine(line_no=line.line_no, sku=line.sku, quantity=line.quantity)
                for line in event.lines
            )
            return NoteConfirmation(event.order_id, cause, lines, event.delivery_date)
        case OrderCancelled():
            return NoteCancellation(event.order_id, cause, f"order cancelled: {event.reason}")
        case OrderRejected():
            return NoteCancellation(event.order_id, cause, f"order rejected: {event.reason}")
    return None


def inventory_command(envelope: Envelope) -> PlanningCommand | None:
    event, cause = envelope.event, envelope.event_id
    match event:
        case StockReserved():
            region = event.routing.delivery_region
            return NoteReservation(event.order_id, cause, event.allocations, region)
        case StockReleased():
            return NoteRelease(event.order_id, cause, event.releases)
    return None


Fulfilments = Repository[FulfilmentCommand, Fulfilment]


def _policy(
    name: str,
    source: str,
    event_types: set[str],
    translate: Callable[[Envelope], PlanningCommand | None],
    repository: Fulfilments,
) -> Policy:
    async def handle(envelope: Envelope) -> None:
        command = translate(envelope)
        if command is None:
            return
        order_id = command.order_id
        context = CommandContext.reaction(
            name, envelope.event_id, envelope.correlation_id or order_id
        )
        await repository.handle(order_id, command, context)

    return Policy(name=name, source=source, event_types=event_types, handle=handle)


def build_policies(fulfilments: Fulfilments) -> list[Policy]:
    order_types = {"OrderPlaced", "OrderConfirmed", "OrderCancelled", "OrderRejected"}
    stock_types = {"StockReserved", "StockReleased"}
    return [
        _policy(ORDER_FACTS, "order", order_types, order_command, fulfilments),
        _policy(RESERVATIONS, "inventory", stock_types, inventory_command, fulfilments),
    ]
