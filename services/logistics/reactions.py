"""Reactions: note what order and inventory decided about an order, which plans its shipments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.inventory import StockReleased, StockReserved
from shared.events.logistics import PrepaymentStage
from shared.events.order import OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected
from shared.events.payment import InvoiceIssued, PaymentSettled
from shared.events.values import OrderLine, PaymentTerms
from shared.service.context import CommandContext
from shared.service.policy import Policy
from shared.service.repository import Repository
from shared.sql import Database

from .domain.commands import (
    FulfilmentCommand,
    NoteCancellation,
    NoteConfirmation,
    NoteDeliveryDetails,
    NotePrepayment,
    NoteRelease,
    NoteReservation,
    PlanningCommand,
)
from .domain.state import Fulfilment
from .views.payment_terms import PaymentTermsCopy

ORDER_FACTS = "logistics.order_facts"
RESERVATIONS = "logistics.reservations"
PREPAYMENTS = "logistics.prepayments"


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


def payment_command(envelope: Envelope) -> PlanningCommand | None:
    """A prepayment billed (an invoice of the whole order on prepaid terms) or paid."""
    event, cause = envelope.event, envelope.event_id
    match event:
        case InvoiceIssued(shipment_id=None, terms=PaymentTerms.PREPAID):
            stage = PrepaymentStage.INVOICED
            return NotePrepayment(event.order_id, cause, stage, event.invoice_id)
        case PaymentSettled():
            stage = PrepaymentStage.RECEIVED
            return NotePrepayment(event.order_id, cause, stage, event.invoice_id)
    return None


Fulfilments = Repository[FulfilmentCommand, Fulfilment]


async def _as_is(command: PlanningCommand) -> PlanningCommand:
    return command


def _policy(
    name: str,
    source: str,
    event_types: tuple[type[DomainEvent], ...],
    translate: Callable[[Envelope], PlanningCommand | None],
    repository: Fulfilments,
    complete: Callable[[PlanningCommand], Awaitable[PlanningCommand]] = _as_is,
) -> Policy:
    async def handle(envelope: Envelope) -> None:
        command = translate(envelope)
        if command is None:
            return
        command = await complete(command)
        order_id = command.order_id
        context = CommandContext.reaction(
            name, envelope.event_id, envelope.correlation_id or order_id
        )
        await repository.handle(order_id, command, context)

    return Policy(name=name, source=source, event_types=event_types, handle=handle)


def reactions(fulfilments: Fulfilments, terms: PaymentTermsCopy, engine: Database) -> list[Policy]:
    """Note what order, inventory and payment decided about an order, on its fulfilment."""
    order_types = (OrderPlaced, OrderConfirmed, OrderCancelled, OrderRejected)
    stock_types = (StockReserved, StockReleased)
    payment_types = (InvoiceIssued, PaymentSettled)

    async def on_prepaid_terms(command: PlanningCommand) -> PlanningCommand:
        """A confirmation on the buyer's prepaid terms makes its shipping wait for payment."""
        if not isinstance(command, NoteConfirmation):
            return command
        state = (await fulfilments.load(command.order_id)).state
        if state.supplier_id is None or state.buyer_id is None:
            return command
        prepaid = await terms.prepaid(engine, state.supplier_id, state.buyer_id)
        return replace(command, prepaid=prepaid)

    return [
        _policy(ORDER_FACTS, "order", order_types, order_command, fulfilments, on_prepaid_terms),
        _policy(RESERVATIONS, "inventory", stock_types, inventory_command, fulfilments),
        _policy(PREPAYMENTS, "payment", payment_types, payment_command, fulfilments),
    ]
