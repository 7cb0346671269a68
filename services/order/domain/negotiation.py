"""The supplier's decisions and the buyer's answers: confirm, reject, amend, cancel."""

from __future__ import annotations

from shared.events.base import MAX_AMOUNT, DomainEvent
from shared.events.order import (
    OrderAmendmentAccepted,
    OrderAmendmentDeclined,
    OrderAmendmentProposed,
    OrderCancelled,
    OrderConfirmed,
    OrderRejected,
    RejectionCode,
)

from .commands import (
    AcceptAmendment,
    CancelOrder,
    ConfirmOrder,
    DeclineAmendment,
    ProposeAmendment,
    RejectOrder,
)
from .errors import (
    AmendmentAlreadyPending,
    InvalidAmendment,
    NoAmendmentPending,
    OrderAlreadyClosed,
    OrderAlreadyConfirmed,
    OrderAlreadyShipped,
    OrderNotAwaitingConfirmation,
    OrderNotFound,
)
from .evolve import apply_changes, lines_total_amount
from .state import OrderState, Phase


def _open(state: OrderState) -> None:
    if state.phase is Phase.NEW:
        raise OrderNotFound("no such order")
    if state.closed:
        raise OrderAlreadyClosed(f"the order is {state.phase.value}")


def _before_confirmation(state: OrderState) -> None:
    _open(state)
    if state.phase is Phase.CONFIRMED:
        raise OrderAlreadyConfirmed("the supplier has confirmed the order already")


def confirm(command: ConfirmOrder, state: OrderState) -> list[DomainEvent]:
    _before_confirmation(state)
    if state.phase is not Phase.AWAITING_CONFIRMATION or state.total is None:
        raise OrderNotAwaitingConfirmation(
            f"the order is {state.phase.value}; it can be confirmed once priced and reserved"
            " and while no amendment waits for the buyer"
        )
    return [
        OrderConfirmed(
            order_id=state.order_id,
            lines=state.lines,
            total=state.total,
            delivery_date=command.delivery_date,
        )
    ]


def reject(command: RejectOrder, state: OrderState) -> list[DomainEvent]:
    _before_confirmation(state)
    return [
        OrderRejected(
            order_id=state.order_id,
            code=RejectionCode.SUPPLIER_DECLINED,
            reason=command.reason,
            rejected_by=command.rejected_by,
        )
    ]


def _check_changes(command: ProposeAmendment, state: OrderState) -> None:
    lines = {line.line_no: line for line in state.lines}
    currency = state.total.currency if state.total else None
    for index, change in enumerate(command.changes):
        line = lines.get(change.line_no)
        if line is None:
            raise InvalidAmendment(f"changes[{index}].line_no", f"no line {change.line_no}")
        if line.sku != change.sku:
            raise InvalidAmendment(f"changes[{index}].sku", f"line {line.line_no} is {line.sku}")
        if change.unit_price is not None and change.unit_price.currency != currency:
            raise InvalidAmendment(
                f"changes[{index}].unit_price.currency", f"the order is priced in {currency}"
            )
    if not apply_changes(state.lines, command.changes):
        raise InvalidAmendment("changes", "an amendment cannot drop every line; reject instead")
    if state.total is not None:
        amended = apply_changes(state.lines, command.changes)
        gross = lines_total_amount(amended)
        if gross - state.discount >= MAX_AMOUNT:
            raise InvalidAmendment(
                "changes", f"the amended order's total must stay below {MAX_AMOUNT}"
            )


def propose(command: ProposeAmendment, state: OrderState) -> list[DomainEvent]:
    _before_confirmation(state)
    if state.phase is Phase.AMENDMENT_PROPOSED:
        raise AmendmentAlreadyPending("the buyer has not answered the previous proposal yet")
    if state.phase is not Phase.AWAITING_CONFIRMATION:
        raise OrderNotAwaitingConfirmation(
            f"the order is {state.phase.value}; amendments are proposed once it is priced"
        )
    _check_changes(command, state)
    return [
        OrderAmendmentProposed(
            order_id=state.order_id,
            proposal_id=command.proposal_id,
            changes=command.changes,
            note=command.note,
        )
    ]


def _pending(state: OrderState, proposal_id: object) -> None:
    _open(state)
    if state.phase is not Phase.AMENDMENT_PROPOSED or state.pending_proposal != proposal_id:
        raise NoAmendmentPending(f"no open proposal {proposal_id} on this order")


def accept_amendment(command: AcceptAmendment, state: OrderState) -> list[DomainEvent]:
    _pending(state, command.proposal_id)
    return [
        OrderAmendmentAccepted(
            order_id=state.order_id, proposal_id=command.proposal_id, changes=state.pending_changes
        )
    ]


def decline_amendment(command: DeclineAmendment, state: OrderState) -> list[DomainEvent]:
    _pending(state, command.proposal_id)
    return [
        OrderAmendmentDeclined(
            order_id=state.order_id, proposal_id=command.proposal_id, reason=command.reason
        )
    ]


def cancel(command: CancelOrder, state: OrderState) -> list[DomainEvent]:
    _open(state)
    if state.shipped:
        raise OrderAlreadyShipped("goods have left the warehouse; ask for a return instead")
    return [
        OrderCancelled(
            order_id=state.order_id, reason=command.reason, cancelled_by=command.cancelled_by
        )
    ]
