"""Given/When/Then for an account's credit: reserve or hold, release, invoice, repay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from services.payment.domain.commands import (
    InvoiceCredit,
    ReleaseCredit,
    RepayCredit,
    ReserveCredit,
    SetCreditLimit,
)
from services.payment.domain.credit import figures
from services.payment.domain.decide import account_decider
from services.payment.domain.state import Account
from shared.events.base import Money
from shared.events.payment import (
    CreditInvoiced,
    CreditLimitSet,
    CreditReleaseCause,
    CreditReleased,
    CreditRepaid,
    CreditReservationRefused,
    CreditReserved,
    OverdueBlockSet,
)
from shared.events.values import CreditHoldCode
from shared.service.testing import Scenario

SUPPLIER, BUYER = uuid4(), uuid4()
IDS = {"supplier_id": SUPPLIER, "buyer_id": BUYER}
A, B, C = uuid4(), uuid4(), uuid4()
INVOICE = uuid4()


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


LIMIT = CreditLimitSet(**IDS, limit=eur("100"))


def reserved(order_id: UUID, amount: str, before: Account | None = None) -> CreditReserved:
    state = before or account_decider.fold([LIMIT])
    return CreditReserved(
        **IDS, order_id=order_id, amount=eur(amount), figures=figures(state, eur(amount))
    )


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(account_decider)


def test_an_order_that_fits_is_reserved() -> None:
    scenario().given(LIMIT).when(ReserveCredit(SUPPLIER, BUYER, A, eur("60"))).then(
        reserved(A, "60")
    )


def test_an_order_over_the_available_credit_is_refused_with_the_figures() -> None:
    first = reserved(A, "60")
    [refused] = (
        scenario()
        .given(LIMIT, first)
        .when(ReserveCredit(SUPPLIER, BUYER, B, eur("50")))
        .then_events()
    )
    assert isinstance(refused, CreditReservationRefused)
    assert refused.code is CreditHoldCode.LIMIT_EXCEEDED
    assert refused.figures.available == eur("40")
    assert refused.figures.reserved == eur("60")


def test_without_a_limit_every_order_is_reserved() -> None:
    state = Account()
    scenario().when(ReserveCredit(SUPPLIER, BUYER, A, eur("1000000"))).then(
        reserved(A, "1000000", state)
    )


def test_a_reservation_seen_twice_changes_nothing() -> None:
    scenario().given(LIMIT, reserved(A, "60")).when(
        ReserveCredit(SUPPLIER, BUYER, A, eur("60"))
    ).then()


def test_cancelling_frees_the_reservation() -> None:
    release = ReleaseCredit(SUPPLIER, BUYER, A, CreditReleaseCause.CANCELLED)
    scenario().given(LIMIT, reserved(A, "60")).when(release).then(
        CreditReleased(**IDS, order_id=A, amount=eur("60"), cause=CreditReleaseCause.CANCELLED)
    )
    after = account_decider.fold(
        [
            LIMIT,
            reserved(A, "60"),
            CreditReleased(**IDS, order_id=A, amount=eur("60"), cause=CreditReleaseCause.CANCELLED),
        ]
    )
    assert after.reserved_total == 0


def test_confirming_for_less_releases_the_difference() -> None:
    release = ReleaseCredit(SUPPLIER, BUYER, A, CreditReleaseCause.CONFIRMED_LOWER, keep=eur("45"))
    event = CreditReleased(
        **IDS, order_id=A, amount=eur("15"), cause=CreditReleaseCause.CONFIRMED_LOWER
    )
    scenario().given(LIMIT, reserved(A, "60")).when(release).then(event)
    assert account_decider.fold([LIMIT, reserved(A, "60"), event]).reserved_total == 45


def test_invoicing_moves_reserved_to_receivable_and_payment_frees_it() -> None:
    invoiced = CreditInvoiced(
        **IDS, order_id=A, invoice_id=INVOICE, amount=eur("60"), from_reserved=eur("60"),
        due_on=date(2026, 1, 31),
    )  # fmt: skip
    scenario().given(LIMIT, reserved(A, "60")).when(
        InvoiceCredit(SUPPLIER, BUYER, A, INVOICE, eur("60"), date(2026, 1, 31))
    ).then(invoiced)
    state = account_decider.fold([LIMIT, reserved(A, "60"), invoiced])
    assert (state.reserved_total, state.unpaid_total) == (0, 60)
    repaid = CreditRepaid(**IDS, order_id=A, invoice_id=INVOICE, amount=eur("60"))
    scenario().given(LIMIT, reserved(A, "60"), invoiced).when(
        RepayCredit(SUPPLIER, BUYER, A, INVOICE, eur("60"))
    ).then(repaid)
    assert account_decider.fold([LIMIT, reserved(A, "60"), invoiced, repaid]).unpaid_total == 0


def test_overdue_invoices_past_the_grace_days_block_new_orders() -> None:
    invoiced = CreditInvoiced(
        **IDS, order_id=A, invoice_id=INVOICE, amount=eur("10"), from_reserved=eur("0"),
        due_on=date(2020, 1, 1),
    )  # fmt: skip
    block = OverdueBlockSet(**IDS, grace_days=5)
    [refused] = (
        scenario()
        .given(invoiced, block)
        .when(ReserveCredit(SUPPLIER, BUYER, B, eur("1")))
        .then_events()
    )
    assert isinstance(refused, CreditReservationRefused)
    assert refused.code is CreditHoldCode.OVERDUE_INVOICES
    unblocked = OverdueBlockSet(**IDS, grace_days=None)
    [ok] = (
        scenario()
        .given(invoiced, block, unblocked)
        .when(ReserveCredit(SUPPLIER, BUYER, B, eur("1")))
        .then_events()
    )
    assert isinstance(ok, CreditReserved)


def held(order_id: UUID, amount: str, given: list[object]) -> CreditReservationRefused:
    [refused] = (
        scenario()
        .given(*given)
        .when(ReserveCredit(SUPPLIER, BUYER, order_id, eur(amount)))
        .then_events()
    )
    assert isinstance(refused, CreditReservationRefused)
    return refused


def test_raising_the_limit_reserves_the_held_orders_that_now_fit_oldest_first() -> None:
    history: list[object] = [LIMIT, reserved(A, "90")]
    history.append(held(B, "50", history))
    history.append(held(C, "20", history))
    events = (
        scenario().given(*history).when(SetCreditLimit(SUPPLIER, BUYER, eur("150"))).then_events()
    )
    assert [type(e).__name__ for e in events] == ["CreditLimitSet", "CreditReserved"]
    assert events[1].order_id == B
    state = account_decider.fold([*history, *events])  # type: ignore[list-item]
    assert [order for order, _ in state.held] == [C]


def test_a_forced_reservation_takes_a_held_order_past_the_limit() -> None:
    history: list[object] = [LIMIT, reserved(A, "90")]
    history.append(held(B, "50", history))
    [forced] = (
        scenario()
        .given(*history)
        .when(ReserveCredit(SUPPLIER, BUYER, B, None, force=True))
        .then_events()
    )
    assert isinstance(forced, CreditReserved)
    assert forced.overridden
    assert account_decider.fold([*history, forced]).reserved_total == 140  # type: ignore[list-item]


def test_releasing_a_held_order_takes_it_off_the_queue() -> None:
    history: list[object] = [LIMIT, reserved(A, "90")]
    history.append(held(B, "50", history))
    [event] = (
        scenario()
        .given(*history)
        .when(ReleaseCredit(SUPPLIER, BUYER, B, CreditReleaseCause.CANCELLED))
        .then_events()
    )
    assert account_decider.fold([*history, event]).held == ()  # type: ignore[list-item]


def test_confirming_for_more_than_was_reserved_reserves_the_confirmed_total() -> None:
    more = ReleaseCredit(SUPPLIER, BUYER, A, CreditReleaseCause.CONFIRMED_LOWER, keep=eur("120"))
    [event] = scenario().given(LIMIT, reserved(A, "60")).when(more).then_events()
    assert isinstance(event, CreditReserved)
    assert event.overridden
    assert account_decider.fold([LIMIT, reserved(A, "60"), event]).reserved_total == 120


def test_credit_given_back_lets_the_held_orders_that_now_fit_go_on_oldest_first() -> None:
    history: list[object] = [LIMIT, reserved(A, "90")]
    history.append(held(B, "50", history))
    history.append(held(C, "20", history))
    cancel = ReleaseCredit(SUPPLIER, BUYER, A, CreditReleaseCause.CANCELLED)
    events = scenario().given(*history).when(cancel).then_events()
    assert [type(e).__name__ for e in events] == [
        "CreditReleased",
        "CreditReserved",
        "CreditReserved",
    ]
    assert [e.order_id for e in events[1:]] == [B, C]  # type: ignore[attr-defined]
    assert account_decider.fold([*history, *events]).held == ()  # type: ignore[list-item]


def test_a_payment_lets_a_held_order_go_on_once_it_fits() -> None:
    invoiced = CreditInvoiced(
        **IDS, order_id=A, invoice_id=INVOICE, amount=eur("90"), from_reserved=eur("90"),
        due_on=date(2026, 1, 31),
    )  # fmt: skip
    history: list[object] = [LIMIT, reserved(A, "90"), invoiced]
    history.append(held(B, "50", history))
    partly = scenario().given(*history).when(RepayCredit(SUPPLIER, BUYER, A, INVOICE, eur("20")))
    assert [type(e).__name__ for e in partly.then_events()] == ["CreditRepaid"]  # 70 owed: no
    paid = scenario().given(*history).when(RepayCredit(SUPPLIER, BUYER, A, INVOICE, eur("90")))
    events = paid.then_events()
    assert [type(e).__name__ for e in events] == ["CreditRepaid", "CreditReserved"]
    assert events[1].order_id == B  # type: ignore[attr-defined]
