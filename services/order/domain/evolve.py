"""Fold the order's events into its state: one match over the event types."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.order import (
    InvoiceStage,
    OrderAmendmentAccepted,
    OrderAmendmentDeclined,
    OrderAmendmentProposed,
    OrderApprovalGiven,
    OrderAwaitingApproval,
    OrderBackordered,
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderCreditSecured,
    OrderGoodsResolved,
    OrderHeld,
    OrderInvoiceProgressed,
    OrderPlaced,
    OrderPricingRecorded,
    OrderReadyForConfirmation,
    OrderRejected,
    OrderReleased,
    OrderReturnProgressed,
    OrderShipmentProgressed,
    OrderStockSecured,
    ReturnStage,
    ShipmentStage,
)
from shared.events.values import AgreedLine, LineChange

from .state import Approval, Credit, Fulfilment, OrderState, Phase, ShipmentTrack


def lines_total_amount(lines: tuple[AgreedLine, ...]) -> Decimal:
    return sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))


def apply_changes(
    lines: tuple[AgreedLine, ...], changes: tuple[LineChange, ...]
) -> tuple[AgreedLine, ...]:
    """The agreed lines after an accepted amendment; quantity 0 drops a line."""
    by_line = {change.line_no: change for change in changes}
    result = []
    for line in lines:
        change = by_line.get(line.line_no)
        if change is not None:
            line = line.model_copy(
                update={
                    "quantity": line.quantity if change.quantity is None else change.quantity,
                    "unit_price": change.unit_price or line.unit_price,
                }
            )
        if line.quantity > 0:
            result.append(line)
    return tuple(result)


def amend(
    lines: tuple[AgreedLine, ...], total: Money, discount: Decimal, changes: tuple[LineChange, ...]
) -> tuple[tuple[AgreedLine, ...], Money]:
    """The agreed lines and total once an amendment is accepted: the order discount (pricing's
    total below its lines, e.g. a coupon's amount off) still applies, never below zero."""
    amended = apply_changes(lines, changes)
    gross = lines_total_amount(amended)
    return amended, Money(amount=max(gross - discount, Decimal(0)), currency=total.currency)


def _priced(state: OrderState, lines: tuple[AgreedLine, ...], total: Money) -> OrderState:
    discount = lines_total_amount(lines) - total.amount
    return replace(state, lines=lines, total=total, discount=discount, priced=True)


def _track(state: OrderState, shipment_id: UUID, **changes: object) -> OrderState:
    fulfilment = state.fulfilment
    track = fulfilment.shipments.get(shipment_id, ShipmentTrack())
    shipments = {**fulfilment.shipments, shipment_id: replace(track, **changes)}  # type: ignore[arg-type]
    return replace(state, fulfilment=replace(fulfilment, shipments=shipments))


def _shipment(state: OrderState, event: OrderShipmentProgressed) -> OrderState:
    match event.stage:
        case ShipmentStage.PLANNED:
            by_line = dict(state.fulfilment.planned_by_line)
            for line in event.lines:
                by_line[line.line_no] = by_line.get(line.line_no, 0) + line.quantity
            state = replace(state, fulfilment=replace(state.fulfilment, planned_by_line=by_line))
            return _track(state, event.shipment_id, planned=sum(x.quantity for x in event.lines))
        case ShipmentStage.SHIPPED:
            return _track(state, event.shipment_id, shipped=True)
        case ShipmentStage.DELIVERED:
            return _track(state, event.shipment_id, shipped=True, delivered=True)


def _goods(state: OrderState, event: OrderGoodsResolved) -> OrderState:
    track = state.fulfilment.shipments.get(event.shipment_id, ShipmentTrack())
    return _track(
        state,
        event.shipment_id,
        accepted=track.accepted + event.accepted,
        rejected=track.rejected + event.rejected,
        awaiting_return=track.awaiting_return + (event.rejected if event.awaiting_return else 0),
    )


def _invoice(state: OrderState, event: OrderInvoiceProgressed) -> OrderState:
    fulfilment = state.fulfilment
    if event.stage is InvoiceStage.SETTLED:
        fulfilment = replace(fulfilment, settled=fulfilment.settled | {event.invoice_id})
        return replace(state, fulfilment=fulfilment)
    fulfilment = replace(fulfilment, invoices=fulfilment.invoices | {event.invoice_id})
    if event.shipment_id is None:  # a prepayment: it bills every shipment of the order
        return replace(state, fulfilment=replace(fulfilment, prepayment=event.invoice_id))
    state = replace(state, fulfilment=fulfilment)
    track = fulfilment.shipments.get(event.shipment_id, ShipmentTrack())
    return _track(state, event.shipment_id, invoiced=track.invoiced + event.quantity)


def _return(state: OrderState, event: OrderReturnProgressed) -> OrderState:
    fulfilment = state.fulfilment
    if event.stage is ReturnStage.RECEIVED:
        received = fulfilment.returns_received | {event.return_id}
        return replace(state, fulfilment=replace(fulfilment, returns_received=received))
    state = replace(
        state, fulfilment=replace(fulfilment, returns=fulfilment.returns | {event.return_id})
    )
    if event.shipment_id is None:
        return state
    track = fulfilment.shipments.get(event.shipment_id, ShipmentTrack())
    return _track(
        state, event.shipment_id, return_authorized=track.return_authorized + event.quantity
    )


def _fresh(event: OrderPlaced) -> OrderState:
    return OrderState(
        phase=Phase.PLACED,
        order_id=event.order_id,
        buyer_id=event.buyer_id,
        supplier_id=event.supplier_id,
        order_type=event.order_type,
        ordered=tuple((line.line_no, line.sku, line.quantity) for line in event.lines),
        fulfilment=Fulfilment(),
        placed_by=event.placed_by,
    )


def _approval(state: OrderState, event: OrderAwaitingApproval | OrderApprovalGiven) -> OrderState:
    match event:
        case OrderAwaitingApproval(lines=lines, total=total, approvals_required=required):
            approval = Approval(required, frozenset(event.approvers))
            return replace(_priced(state, lines, total), approval=approval)
        case OrderApprovalGiven(approver=approver) if state.approval is not None:
            given = (*state.approval.given, approver)
            return replace(state, approval=replace(state.approval, given=given))
    return state


def evolve(state: OrderState, event: DomainEvent) -> OrderState:
    """The state after ``event``; events of other types leave it unchanged."""
    match event:
        case OrderPlaced():
            return _fresh(event)
        case OrderAwaitingApproval() | OrderApprovalGiven():
            return _approval(state, event)
        case OrderPricingRecorded(lines=lines, total=total):
            return replace(_priced(state, lines, total), credit=Credit.REQUESTED)
        case OrderCreditSecured() | OrderReleased():
            return replace(state, credit=Credit.SECURED)
        case OrderHeld():
            return replace(state, credit=Credit.HELD)
        case OrderStockSecured():
            return replace(state, stock_secured=True)
        case OrderReadyForConfirmation(lines=lines, total=total):
            state = _priced(state, lines, total)
            return replace(state, stock_secured=True, phase=Phase.AWAITING_CONFIRMATION)
        case OrderBackordered():
            return replace(state, phase=Phase.BACKORDERED)
        case OrderAmendmentProposed(proposal_id=proposal_id, changes=changes):
            return replace(
                state,
                phase=Phase.AMENDMENT_PROPOSED,
                pending_proposal=proposal_id,
                pending_changes=changes,
            )
        case OrderAmendmentAccepted(changes=changes):
            priced = state.total or Money(amount=Decimal(0), currency="EUR")
            lines, total = amend(state.lines, priced, state.discount, changes)
            return replace(
                state,
                lines=lines,
                total=total,
                phase=Phase.AWAITING_CONFIRMATION,
                pending_proposal=None,
                pending_changes=(),
            )
        case OrderAmendmentDeclined():
            return replace(
                state, phase=Phase.AWAITING_CONFIRMATION, pending_proposal=None, pending_changes=()
            )
        case OrderConfirmed(lines=lines, total=total):
            return replace(state, lines=lines, total=total, phase=Phase.CONFIRMED)
        case OrderRejected():
            return replace(state, phase=Phase.REJECTED)
        case OrderCancelled():
            return replace(state, phase=Phase.CANCELLED)
        case OrderCompleted():
            return replace(state, phase=Phase.COMPLETED)
        case OrderShipmentProgressed():
            return _shipment(state, event)
        case OrderGoodsResolved():
            return _goods(state, event)
        case OrderInvoiceProgressed():
            return _invoice(state, event)
        case OrderReturnProgressed():
            return _return(state, event)
    return state
