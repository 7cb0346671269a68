"""Reactions: other services' facts about an order, recorded in the order's own stream."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shared.events import inventory, logistics, payment, pricing
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.logistics import Remedy
from shared.events.order import InvoiceStage, ReturnStage, ShipmentStage
from shared.service.policy import Policy, reaction_context
from shared.service.repository import Repository

from .domain.commands import (
    AutoConfirmRule,
    Command,
    RecordBackorder,
    RecordGoodsResolution,
    RecordInvoice,
    RecordPricing,
    RecordPricingFailure,
    RecordReturn,
    RecordShipment,
    RecordStockReserved,
    RecordStockShortage,
)
from .domain.parties import PartyCommand, PartyState
from .domain.state import OrderState


def _units(lines: Any) -> int:
    return sum(line.quantity for line in lines)


def _command(event: Any, rule: AutoConfirmRule | None) -> Command | None:
    """The order command recording ``event``; None for events the order needs nothing from."""
    match event:
        case pricing.OrderPriced():
            return RecordPricing(lines=event.lines, total=event.total, auto_confirm=rule)
        case pricing.OrderPricingFailed():
            return RecordPricingFailure("; ".join(p.detail for p in event.problems))
        case inventory.StockReserved():
            return RecordStockReserved(auto_confirm=rule)
        case inventory.StockReservationFailed():
            return RecordStockShortage(event.shortages)
        case inventory.BackorderCreated():
            return RecordBackorder(event.lines, event.expected_date)
        case logistics.ShipmentPlanned():
            return RecordShipment(event.shipment_id, ShipmentStage.PLANNED, event.lines)
        case logistics.Shipped():
            return RecordShipment(event.shipment_id, ShipmentStage.SHIPPED)
        case logistics.Delivered():
            return RecordShipment(event.shipment_id, ShipmentStage.DELIVERED)
        case logistics.GoodsAccepted():
            return RecordGoodsResolution(event.shipment_id, accepted=_units(event.lines))
        case logistics.GoodsRejected():
            back = event.remedy in (Remedy.RETURN, Remedy.REPLACEMENT)
            return RecordGoodsResolution(
                event.shipment_id, rejected=_units(event.lines), awaiting_return=back
            )
        case logistics.ReturnAuthorized():
            return RecordReturn(
                event.return_id, ReturnStage.AUTHORIZED, event.shipment_id, _units(event.lines)
            )
        case logistics.ReturnReceived():
            return RecordReturn(event.return_id, ReturnStage.RECEIVED)
        case payment.InvoiceIssued():
            return RecordInvoice(
                event.invoice_id,
                InvoiceStage.ISSUED,
                event.total,
                event.shipment_id,
                _units(event.lines),
            )
        case payment.PaymentSettled():
            return RecordInvoice(event.invoice_id, InvoiceStage.SETTLED, event.amount)
    return None


FOLLOWED: dict[str, tuple[type[DomainEvent], ...]] = {
    "pricing": (pricing.OrderPriced, pricing.OrderPricingFailed),
    "inventory": (
        inventory.StockReserved,
        inventory.StockReservationFailed,
        inventory.BackorderCreated,
    ),
    "logistics": (
        logistics.ShipmentPlanned,
        logistics.Shipped,
        logistics.Delivered,
        logistics.GoodsAccepted,
        logistics.GoodsRejected,
        logistics.ReturnAuthorized,
        logistics.ReturnReceived,
    ),
    "payment": (payment.InvoiceIssued, payment.PaymentSettled),
}
_NEEDS_RULE = (pricing.OrderPriced, inventory.StockReserved)


def reactions(
    orders: Repository[Command, OrderState], parties: Repository[PartyCommand, PartyState]
) -> list[Policy]:
    """One policy per followed service, each recording that service's facts on the order."""

    def for_source(source: str) -> Policy:
        name = f"order-records-{source}"

        async def handle(envelope: Envelope) -> None:
            order_id: UUID = envelope.event.order_id  # type: ignore[attr-defined]
            rule = None
            if isinstance(envelope.event, _NEEDS_RULE):
                order = await orders.load(order_id)
                rule = (await parties.load(order.state.supplier_id)).state.rule
            command = _command(envelope.event, rule)
            if command is not None:
                await orders.handle(order_id, command, reaction_context(name, envelope))

        return Policy(name=name, source=source, event_types=FOLLOWED[source], handle=handle)

    return [for_source(source) for source in FOLLOWED]
