"""Reactions: other services' facts about an order, recorded in the order's own stream."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from shared.events import inventory, logistics, payment, pricing, sourcing
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.logistics import Remedy
from shared.events.order import (
    AgreedPrice,
    InvoiceStage,
    OrderSource,
    ReturnStage,
    ShipmentStage,
    SourceKind,
)
from shared.events.values import OrderLine, OrderType
from shared.service.context import CommandContext
from shared.service.policy import Policy, reaction_context
from shared.service.repository import Repository
from shared.sql import Database

from .domain.commands import (
    AutoConfirmRule,
    Command,
    PlaceOrder,
    RecordBackorder,
    RecordCreditRefused,
    RecordCreditReserved,
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
from .domain.state import OrderState, Phase
from .views.products import OrderableProducts


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
        case payment.CreditReserved():
            return RecordCreditReserved(auto_confirm=rule)
        case payment.CreditReservationRefused():
            return RecordCreditRefused(event.code, event.reason, event.figures)
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
    "payment": (
        payment.InvoiceIssued,
        payment.PaymentSettled,
        payment.CreditReserved,
        payment.CreditReservationRefused,
    ),
}
_NEEDS_RULE = (pricing.OrderPriced, inventory.StockReserved, payment.CreditReserved)


def _placements(event: Any) -> list[PlaceOrder]:
    """The orders an award or an accepted quote makes: one per supplier, at the agreed prices
    (their catalog rules are looked up when each is placed)."""
    match event:
        case sourcing.RfqAwarded():
            source = OrderSource(kind=SourceKind.RFQ, id=event.rfq_id)
            groups = [
                (a.order_id, a.supplier_id, a.lines, a.requested_delivery_date)
                for a in event.awards
            ]
        case sourcing.QuoteAccepted():
            source = OrderSource(kind=SourceKind.QUOTE, id=event.quote_id)
            groups = [
                (event.order_id, event.supplier_id, event.lines, event.requested_delivery_date)
            ]
        case _:
            return []
    return [
        PlaceOrder(
            order_id=order_id,
            buyer_id=event.buyer_id,
            supplier_id=supplier_id,
            order_type=OrderType.REGULAR,
            lines=tuple(
                OrderLine(line_no=x.line_no, sku=x.sku, quantity=x.quantity) for x in lines
            ),
            delivery_region=event.delivery_region,
            catalog={},
            delivery_address_id=event.delivery_address_id,
            requested_delivery_date=needed_by,
            buyer_reference=event.title,
            agreed_prices=tuple(
                AgreedPrice(line_no=x.line_no, unit_price=x.unit_price) for x in lines
            ),
            source=source,
            record_refusal=True,
        )
        for order_id, supplier_id, lines, needed_by in groups
    ]


SOURCED = "order-places-sourced-orders"


def places_sourced_orders(
    orders: Repository[Command, OrderState], products: OrderableProducts, engine: Database
) -> Policy:
    """An awarded RFQ or an accepted quote becomes orders, placed like any other (the catalog's
    pack sizes and minimums, then pricing, stock and credit) but at the agreed prices."""

    async def handle(envelope: Envelope) -> None:
        for index, placement in enumerate(_placements(envelope.event)):
            if (await orders.load(placement.order_id)).state.phase is not Phase.NEW:
                continue  # a redelivered award: this order was placed already
            skus = {line.sku for line in placement.lines}
            rules = await products.rules_for(engine, placement.supplier_id, skus)
            context = CommandContext.reaction(
                SOURCED, envelope.event_id, placement.order_id, offset=2 * index
            )
            await orders.handle(placement.order_id, replace(placement, catalog=rules), context)

    return Policy(
        name=SOURCED,
        source="sourcing",
        event_types=(sourcing.RfqAwarded, sourcing.QuoteAccepted),
        handle=handle,
    )


def reactions(
    orders: Repository[Command, OrderState],
    parties: tuple[Repository[PartyCommand, PartyState], Repository[PartyCommand, PartyState]],
    products: OrderableProducts,
    engine: Database,
) -> list[Policy]:
    """One policy per followed service, each recording that service's facts on the order
    (with the supplier's auto-confirm rule and the buyer's spending rules where they matter),
    and the placement of the orders sourcing agreed. ``parties``: (buyers, suppliers)."""
    buyers, suppliers = parties

    async def with_spending_rules(command: RecordPricing, order: OrderState) -> RecordPricing:
        """The buyer's spending rules, and the categories of the order's SKUs when the rules
        name categories."""
        spending = (await buyers.load(order.buyer_id)).state.spending
        if spending is None:
            return command
        categories: frozenset[str] = frozenset()
        if spending.categories:
            skus = {sku for _, sku, _ in order.ordered}
            categories = await products.categories_of(engine, order.supplier_id, skus)
        return replace(command, spending=spending, categories=categories)

    def for_source(source: str) -> Policy:
        name = f"order-records-{source}"

        async def handle(envelope: Envelope) -> None:
            order_id: UUID = envelope.event.order_id  # type: ignore[attr-defined]
            rule = None
            if isinstance(envelope.event, _NEEDS_RULE):
                order = await orders.load(order_id)
                rule = (await suppliers.load(order.state.supplier_id)).state.rule
            command = _command(envelope.event, rule)
            if isinstance(command, RecordPricing):
                command = await with_spending_rules(command, order.state)
            if command is not None:
                await orders.handle(order_id, command, reaction_context(name, envelope))

        return Policy(name=name, source=source, event_types=FOLLOWED[source], handle=handle)

    return [
        *(for_source(source) for source in FOLLOWED),
        places_sourced_orders(orders, products, engine),
    ]
