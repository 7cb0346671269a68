"""Reactions: record the other services' facts the order's decisions need, never raising."""

from __future__ import annotations

from shared.events.base import DomainEvent, Money
from shared.events.order import (
    InvoiceStage,
    OrderAwaitingApproval,
    OrderBackordered,
    OrderConfirmed,
    OrderCreditSecured,
    OrderGoodsResolved,
    OrderHeld,
    OrderInvoiceProgressed,
    OrderPricingRecorded,
    OrderReadyForConfirmation,
    OrderRejected,
    OrderReleased,
    OrderReturnProgressed,
    OrderShipmentProgressed,
    OrderStockSecured,
    RejectionCode,
    ReturnStage,
    ShipmentStage,
)
from shared.events.values import AgreedLine, OrderLine, OrderType, Party

from .approval import approvals_needed
from .commands import (
    AutoConfirmRule,
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
    ReleaseOrder,
)
from .errors import OrderNotFound, OrderNotHeld
from .state import Credit, OrderState, Phase

_WAITING_FOR_FACTS = frozenset({Phase.PLACED, Phase.BACKORDERED})


def _auto_confirms(rule: AutoConfirmRule | None, order_type: OrderType, total: Money) -> bool:
    if rule is None or order_type not in rule.order_types:
        return False
    limit = rule.max_order_total
    return limit is None or (limit.currency == total.currency and total.amount <= limit.amount)


def _ready(
    state: OrderState, lines: tuple[AgreedLine, ...], total: Money, rule: AutoConfirmRule | None
) -> list[DomainEvent]:
    events: list[DomainEvent] = [
        OrderReadyForConfirmation(order_id=state.order_id, lines=lines, total=total)
    ]
    if _auto_confirms(rule, state.order_type, total):
        events.append(
            OrderConfirmed(
                order_id=state.order_id, lines=lines, total=total, by_auto_confirm_rule=True
            )
        )
    return events


def record_pricing(command: RecordPricing, state: OrderState) -> list[DomainEvent]:
    if state.phase not in _WAITING_FOR_FACTS or state.priced:
        return []
    lines = tuple(
        AgreedLine(
            line_no=line.line_no,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.net_unit_price,
        )
        for line in command.lines
    )
    needed = approvals_needed(command.spending, command.total, command.categories)
    if needed.required and command.spending is not None:
        approvers = sorted(command.spending.approvers - {state.placed_by or ""})
        return [
            OrderAwaitingApproval(
                **state.parties,
                lines=lines,
                total=command.total,
                approvals_required=needed.required,
                approvers=tuple(approvers),
                over_amount=needed.over_amount,
                categories=needed.categories,
            )
        ]
    # Recorded even when stock is secured: payment reserves the total against the buyer's
    # credit, and the order waits for its answer before it reaches the supplier.
    return [OrderPricingRecorded(order_id=state.order_id, lines=lines, total=command.total)]


def record_stock_reserved(command: RecordStockReserved, state: OrderState) -> list[DomainEvent]:
    if state.phase not in _WAITING_FOR_FACTS or state.stock_secured:
        return []
    if state.priced and state.total is not None and state.credit_clear:
        if state.awaiting_approval:
            return [OrderStockSecured(order_id=state.order_id)]
        return _ready(state, state.lines, state.total, command.auto_confirm)
    return [OrderStockSecured(order_id=state.order_id)]


def record_credit_reserved(command: RecordCreditReserved, state: OrderState) -> list[DomainEvent]:
    """Credit secured: ready once stock is too; a held order is released by it."""
    if state.phase not in _WAITING_FOR_FACTS or state.credit in (Credit.SECURED, Credit.UNCHECKED):
        return []
    events: list[DomainEvent] = []
    if state.credit is Credit.HELD:
        reason = "credit now available"
        events.append(OrderReleased(**state.parties, reason=reason, released_by=Party.SYSTEM))
    if state.stock_secured and state.phase is Phase.PLACED and state.total is not None:
        return events + _ready(state, state.lines, state.total, command.auto_confirm)
    return events or [OrderCreditSecured(order_id=state.order_id)]


def record_credit_refused(command: RecordCreditRefused, state: OrderState) -> list[DomainEvent]:
    """Over the buyer's credit: held, with why and the account's figures."""
    if state.phase not in _WAITING_FOR_FACTS or state.credit is not Credit.REQUESTED:
        return []
    return [
        OrderHeld(
            **state.parties,
            code=command.code,
            reason=command.reason,
            figures=command.figures,
        )
    ]


def release(command: ReleaseOrder, state: OrderState) -> list[DomainEvent]:
    """The supplier lets a held order go on: it reaches the supplier's queue once stock is
    secured too (never auto-confirmed: someone just looked at it)."""
    if state.phase is Phase.NEW:
        raise OrderNotFound("no such order")
    if state.closed or state.credit is not Credit.HELD:
        raise OrderNotHeld("the order is not held for its credit")
    events: list[DomainEvent] = [
        OrderReleased(**state.parties, reason=command.reason, released_by=command.released_by)
    ]
    if state.stock_secured and state.phase is Phase.PLACED and state.total is not None:
        events += _ready(state, state.lines, state.total, None)
    return events


def record_pricing_failure(command: RecordPricingFailure, state: OrderState) -> list[DomainEvent]:
    if state.phase not in _WAITING_FOR_FACTS:
        return []
    return [
        OrderRejected(
            order_id=state.order_id,
            code=RejectionCode.PRICING_FAILED,
            reason=command.detail,
            rejected_by=Party.SYSTEM,
        )
    ]


def record_shortage(command: RecordStockShortage, state: OrderState) -> list[DomainEvent]:
    if state.phase is not Phase.PLACED or state.stock_secured:
        return []
    if state.order_type is OrderType.PRESALE:
        lines = tuple(
            OrderLine(line_no=s.line_no, sku=s.sku, quantity=s.requested) for s in command.shortages
        )
        return [OrderBackordered(order_id=state.order_id, lines=lines)]
    short = "; ".join(
        f"line {s.line_no} {s.sku}: {s.requested} requested, {s.available} available"
        for s in command.shortages
    )
    return [
        OrderRejected(
            order_id=state.order_id,
            code=RejectionCode.OUT_OF_STOCK,
            reason=f"out of stock: {short}",
            rejected_by=Party.SYSTEM,
        )
    ]


def record_backorder(command: RecordBackorder, state: OrderState) -> list[DomainEvent]:
    if state.phase is not Phase.PLACED or state.stock_secured:
        return []
    return [
        OrderBackordered(
            order_id=state.order_id, lines=command.lines, expected_date=command.expected_date
        )
    ]


def record_shipment(command: RecordShipment, state: OrderState) -> list[DomainEvent]:
    track = state.fulfilment.shipments.get(command.shipment_id)
    # Facts from different services may arrive in any order: a track created by an earlier
    # invoice or acceptance has planned == 0 until its ShipmentPlanned is recorded.
    already = track is not None and (
        (command.stage is ShipmentStage.PLANNED and track.planned > 0)
        or (command.stage is ShipmentStage.SHIPPED and track.shipped)
        or (command.stage is ShipmentStage.DELIVERED and track.delivered)
    )
    if state.phase is not Phase.CONFIRMED or already:
        return []
    lines = command.lines if command.stage is ShipmentStage.PLANNED else ()
    return [
        OrderShipmentProgressed(
            order_id=state.order_id,
            shipment_id=command.shipment_id,
            stage=command.stage,
            lines=lines,
        )
    ]


def record_goods(command: RecordGoodsResolution, state: OrderState) -> list[DomainEvent]:
    if state.phase is not Phase.CONFIRMED:
        return []
    return [
        OrderGoodsResolved(
            order_id=state.order_id,
            shipment_id=command.shipment_id,
            accepted=command.accepted,
            rejected=command.rejected,
            awaiting_return=command.awaiting_return,
        )
    ]


def record_invoice(command: RecordInvoice, state: OrderState) -> list[DomainEvent]:
    seen = (
        state.fulfilment.settled
        if command.stage is InvoiceStage.SETTLED
        else state.fulfilment.invoices
    )
    if state.phase is not Phase.CONFIRMED or command.invoice_id in seen:
        return []
    return [
        OrderInvoiceProgressed(
            order_id=state.order_id,
            invoice_id=command.invoice_id,
            stage=command.stage,
            amount=command.amount,
            shipment_id=command.shipment_id,
            quantity=command.quantity,
        )
    ]


def record_return(command: RecordReturn, state: OrderState) -> list[DomainEvent]:
    seen = (
        state.fulfilment.returns_received
        if command.stage is ReturnStage.RECEIVED
        else state.fulfilment.returns
    )
    if state.phase is not Phase.CONFIRMED or command.return_id in seen:
        return []
    return [
        OrderReturnProgressed(
            order_id=state.order_id,
            return_id=command.return_id,
            stage=command.stage,
            shipment_id=command.shipment_id,
            quantity=command.quantity,
        )
    ]
