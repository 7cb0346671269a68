"""Buyer approvals: which priced orders the buyer's spending rules hold back, and the approvers'
answers. An order caught by the rules asks for credit and reaches its supplier only once
approved; declined, it ends."""

from __future__ import annotations

from dataclasses import dataclass

from shared.events.base import DomainEvent, Money
from shared.events.order import (
    OrderApprovalDeclined,
    OrderApprovalGiven,
    OrderApproved,
    OrderPricingRecorded,
    OrderRejected,
    RejectionCode,
)
from shared.events.values import Party

from .commands import ApproveOrder, DeclineApproval, SpendingRules
from .errors import (
    ApprovalAlreadyGiven,
    NotAnApprover,
    OrderAlreadyClosed,
    OrderNotAwaitingApproval,
    OrderNotFound,
)
from .state import OrderState, Phase


def _over(total: Money, threshold: Money) -> bool:
    """Over the threshold; a total in another currency than the rules' is never vouched for."""
    return total.currency != threshold.currency or total.amount > threshold.amount


@dataclass(frozen=True)
class Needed:
    """What the rules ask of an order: how many approvals, and which rules caught it."""

    required: int = 0
    over_amount: Money | None = None
    categories: tuple[str, ...] = ()


def approvals_needed(
    rules: SpendingRules | None, total: Money, categories: frozenset[str]
) -> Needed:
    """How many approvals the rules ask of an order of ``total`` with lines in ``categories``:
    two over the second amount, else one over the first amount or for a category named."""
    if rules is None:
        return Needed()
    required, over = 0, None
    one, two = rules.one_approval_above, rules.two_approvals_above
    if two is not None and _over(total, two):
        required, over = 2, two
    elif one is not None and _over(total, one):
        required, over = 1, one
    caught = tuple(sorted(categories & rules.categories))
    if caught:
        required = max(required, 1)
    return Needed(required, over, caught)


def _waiting(state: OrderState) -> None:
    if state.phase is Phase.NEW:
        raise OrderNotFound("no such order")
    if state.closed:
        raise OrderAlreadyClosed(f"the order is {state.phase.value}")
    if not state.awaiting_approval:
        raise OrderNotAwaitingApproval("the order is not waiting for an approval")


def _may_answer(approver: str, approvers: frozenset[str], state: OrderState) -> None:
    if approver == state.placed_by:
        raise NotAnApprover("you placed this order: another of your company's approvers must")
    if approver not in approvers:
        raise NotAnApprover(
            "you are not one of your company's approvers; its spending rules name them"
        )


def approve(command: ApproveOrder, state: OrderState) -> list[DomainEvent]:
    """One approval; the last one lets the order go on to credit (and then the supplier)."""
    _waiting(state)
    _may_answer(command.approver, command.approvers, state)
    assert state.approval is not None
    assert state.total is not None
    if command.approver in state.approval.given:
        raise ApprovalAlreadyGiven("you approved this order already; it needs another approver")
    given = (*state.approval.given, command.approver)
    events: list[DomainEvent] = [
        OrderApprovalGiven(
            order_id=state.order_id,
            approver=command.approver,
            approvals=len(given),
            approvals_required=state.approval.required,
            note=command.note,
        )
    ]
    if len(given) >= state.approval.required:
        events += [
            OrderApproved(**state.parties, approved_by=given),
            OrderPricingRecorded(order_id=state.order_id, lines=state.lines, total=state.total),
        ]
    return events


def decline(command: DeclineApproval, state: OrderState) -> list[DomainEvent]:
    """An approver turns the order down: it ends, rejected by the buyer with the reason."""
    _waiting(state)
    _may_answer(command.approver, command.approvers, state)
    return [
        OrderApprovalDeclined(
            **state.parties,
            approver=command.approver,
            reason=command.reason,
        ),
        OrderRejected(
            order_id=state.order_id,
            code=RejectionCode.OTHER,
            reason=f"not approved by {command.approver}: {command.reason}",
            rejected_by=Party.BUYER,
        ),
    ]
