"""Given events / When pricing or an approver's answer / Then the order waits, goes on or ends.

The buyer's spending rules catch an order by its total (one approver over the first amount, two
over the second) or by the categories of its lines; a caught order asks for credit (and reaches
its supplier) only once approved, and whoever placed it cannot approve it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.order.domain.approval import approvals_needed
from services.order.domain.commands import (
    ApproveOrder,
    CancelOrder,
    DeclineApproval,
    RecordPricing,
    RecordStockReserved,
    SpendingRules,
)
from services.order.domain.decide import order_decider
from services.order.domain.errors import (
    ApprovalAlreadyGiven,
    NotAnApprover,
    OrderNotAwaitingApproval,
)
from shared.events.base import Money
from shared.events.order import (
    OrderApprovalDeclined,
    OrderApprovalGiven,
    OrderApproved,
    OrderAwaitingApproval,
    OrderCancelled,
    OrderPricingRecorded,
    OrderRejected,
    OrderStockSecured,
    RejectionCode,
)
from shared.events.values import Party
from shared.service.testing import Scenario
from tests.unit.order.builders import AGREED, BUYER, ORDER, PRICED_LINES, SUPPLIER, eur, placed

PARTIES = {"order_id": ORDER, "buyer_id": BUYER, "supplier_id": SUPPLIER}
APPROVERS = frozenset({"mei", "chen", "li"})
RULES = SpendingRules(APPROVERS, one_approval_above=eur("20.00"), two_approvals_above=eur("25.00"))
PURCHASER = "li"


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(order_decider)


def placed_by(person: str | None = PURCHASER) -> object:
    return placed().model_copy(update={"placed_by": person})


def pricing(rules: SpendingRules | None, categories: frozenset[str] = frozenset()) -> RecordPricing:
    """Pricing's answer for the order of 30.00 EUR, with the buyer's rules."""
    return RecordPricing(PRICED_LINES, eur("30.00"), spending=rules, categories=categories)


def waiting(
    required: int, over: Money | None = None, categories: tuple[str, ...] = ()
) -> OrderAwaitingApproval:
    return OrderAwaitingApproval(
        **PARTIES,
        lines=AGREED,
        total=eur("30.00"),
        approvals_required=required,
        approvers=("chen", "mei"),
        over_amount=over,
        categories=categories,
    )


RECORDED = OrderPricingRecorded(order_id=ORDER, lines=AGREED, total=eur("30.00"))
TWO = waiting(2, eur("25.00"))
ONE_RULES = replace(RULES, two_approvals_above=None)
ONE = waiting(1, eur("20.00"))


def test_without_rules_or_under_every_amount_the_order_asks_for_credit_at_once() -> None:
    scenario().given(placed_by()).when(pricing(None)).then(RECORDED)
    under = SpendingRules(APPROVERS, one_approval_above=eur("30.00"))
    scenario().given(placed_by()).when(pricing(under)).then(RECORDED)


def test_over_the_first_amount_it_waits_for_one_approver_not_the_purchaser() -> None:
    scenario().given(placed_by()).when(pricing(ONE_RULES)).then(ONE)


def test_over_the_second_amount_it_waits_for_two() -> None:
    scenario().given(placed_by()).when(pricing(RULES)).then(TWO)


def test_a_category_of_the_rules_asks_for_one_approval_whatever_the_total() -> None:
    rules = SpendingRules(APPROVERS, categories=frozenset({"tools", "safety"}))
    scenario().given(placed_by()).when(pricing(rules, frozenset({"safety", "food"}))).then(
        waiting(1, categories=("safety",))
    )
    scenario().given(placed_by()).when(pricing(rules, frozenset({"food"}))).then(RECORDED)


def test_a_total_in_another_currency_than_the_rules_is_never_vouched_for() -> None:
    usd = SpendingRules(APPROVERS, one_approval_above=Money(amount=1000, currency="USD"))
    needed = approvals_needed(usd, eur("1.00"), frozenset())
    assert needed.required == 1
    assert needed.over_amount == usd.one_approval_above


def test_stock_arriving_while_it_waits_does_not_send_it_to_the_supplier() -> None:
    scenario().given(placed_by(), ONE).when(RecordStockReserved()).then(
        OrderStockSecured(order_id=ORDER)
    )


def test_one_approval_lets_it_go_on_to_credit() -> None:
    scenario().given(placed_by(), ONE).when(ApproveOrder("mei", APPROVERS, "ok")).then(
        OrderApprovalGiven(
            order_id=ORDER, approver="mei", approvals=1, approvals_required=1, note="ok"
        ),
        OrderApproved(**PARTIES, approved_by=("mei",)),
        RECORDED,
    )


def test_two_approvals_need_two_different_approvers() -> None:
    first = OrderApprovalGiven(order_id=ORDER, approver="mei", approvals=1, approvals_required=2)
    scenario().given(placed_by(), TWO).when(ApproveOrder("mei", APPROVERS)).then(first)
    scenario().given(placed_by(), TWO, first).when(ApproveOrder("mei", APPROVERS)).then_raises(
        ApprovalAlreadyGiven
    )
    scenario().given(placed_by(), TWO, first).when(ApproveOrder("chen", APPROVERS)).then(
        OrderApprovalGiven(order_id=ORDER, approver="chen", approvals=2, approvals_required=2),
        OrderApproved(**PARTIES, approved_by=("mei", "chen")),
        RECORDED,
    )


@pytest.mark.parametrize(
    ("person", "why"), [("li", "you placed this order"), ("wang", "not one of your")]
)
def test_the_purchaser_and_non_approvers_cannot_answer(person: str, why: str) -> None:
    scenario().given(placed_by(), ONE).when(ApproveOrder(person, APPROVERS)).then_raises(
        NotAnApprover, why
    )
    scenario().given(placed_by(), ONE).when(DeclineApproval(person, APPROVERS, "no")).then_raises(
        NotAnApprover, why
    )


def test_an_approver_named_after_the_order_waited_may_approve_it() -> None:
    now = APPROVERS | {"wang"}
    events = scenario().given(placed_by(), ONE).when(ApproveOrder("wang", now)).then_events()
    assert isinstance(events[1], OrderApproved)


def test_declined_it_ends_rejected_by_the_buyer_with_the_reason() -> None:
    scenario().given(placed_by(), TWO).when(DeclineApproval("chen", APPROVERS, "over budget")).then(
        OrderApprovalDeclined(**PARTIES, approver="chen", reason="over budget"),
        OrderRejected(
            order_id=ORDER,
            code=RejectionCode.OTHER,
            reason="not approved by chen: over budget",
            rejected_by=Party.BUYER,
        ),
    )


def test_an_order_not_waiting_cannot_be_approved_but_a_waiting_one_can_be_cancelled() -> None:
    scenario().given(placed_by(), RECORDED).when(ApproveOrder("mei", APPROVERS)).then_raises(
        OrderNotAwaitingApproval
    )
    approved = (
        OrderApprovalGiven(order_id=ORDER, approver="mei", approvals=1, approvals_required=1),
        OrderApproved(**PARTIES, approved_by=("mei",)),
        RECORDED,
    )
    scenario().given(placed_by(), ONE, *approved).when(ApproveOrder("chen", APPROVERS)).then_raises(
        OrderNotAwaitingApproval
    )
    cancel = CancelOrder("not needed any more", Party.BUYER)
    scenario().given(placed_by(), ONE).when(cancel).then(
        OrderCancelled(order_id=ORDER, reason="not needed any more", cancelled_by=Party.BUYER)
    )


def test_once_a_company_has_approvers_only_they_or_operations_change_its_rules() -> None:
    from services.order.domain.errors import InvalidSpendingRules, SpendingRulesLocked
    from services.order.domain.parties import SetSpendingRules, party_decider
    from shared.events.order import BuyerRegistered, SpendingRulesSet

    registered = BuyerRegistered(buyer_id=BUYER, name="Lotus", tier="gold", delivery_region="n")
    first = SetSpendingRules(BUYER, ONE_RULES, set_by="li")
    rules_set = SpendingRulesSet(
        buyer_id=BUYER, approvers=("chen", "li", "mei"), one_approval_above=eur("20.00")
    )
    parties = Scenario(party_decider)
    parties.given(registered).when(first).then(rules_set)
    loosen = SetSpendingRules(BUYER, SpendingRules(frozenset({"wang"})), set_by="wang")
    Scenario(party_decider).given(registered, rules_set).when(loosen).then_raises(
        SpendingRulesLocked
    )
    by_ops = replace(loosen, set_by=None, by_operations=True)
    Scenario(party_decider).given(registered, rules_set).when(by_ops).then(
        SpendingRulesSet(buyer_id=BUYER, approvers=("wang",))
    )
    nobody = SetSpendingRules(BUYER, SpendingRules(frozenset(), eur("5.00")), set_by="li")
    Scenario(party_decider).given(registered).when(nobody).then_raises(
        InvalidSpendingRules, "approvers"
    )
    one_for_two = SetSpendingRules(
        BUYER, SpendingRules(frozenset({"mei"}), two_approvals_above=eur("5.00")), set_by="li"
    )
    Scenario(party_decider).given(registered).when(one_for_two).then_raises(
        InvalidSpendingRules, "two approvals"
    )
