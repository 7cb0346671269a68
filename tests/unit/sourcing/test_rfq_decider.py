"""Given events / When command / Then events for the RFQ: issue, answer, revise, decline,
deadline, award whole or per line, expired quotes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import UUID

import pytest

from services.sourcing.domain.award import award_order_id, whole
from services.sourcing.domain.commands import (
    AwardRfq,
    CancelRfq,
    DeclineRfq,
    IssueRfq,
    LineChoice,
)
from services.sourcing.domain.decide import rfq_decider
from services.sourcing.domain.errors import (
    AlreadyDeclined,
    AwardTooEarly,
    DeadlinePassed,
    InvalidAward,
    InvalidQuote,
    InvalidRfq,
    NotFound,
    ProductNoLongerSold,
    QuoteExpired,
    RfqClosed,
)
from shared.events.sourcing import (
    Award,
    AwardedLine,
    RfqAwarded,
    RfqCancelled,
    RfqDeclined,
    RfqQuoteRevised,
)
from shared.service.testing import DEFAULT_NOW, Scenario
from tests.unit.sourcing.builders import (
    BUYER,
    CATALOG,
    DEADLINE,
    HARBOR,
    HARBOR_LINES,
    JADE,
    JADE_LINES,
    RFQ,
    VALID,
    issued,
    quoted,
    submit,
    submitted,
    usd,
)

STRANGER = UUID("00000000-0000-7000-8000-00000000c0ff")


def rfq() -> Scenario:  # type: ignore[type-arg]
    return Scenario(rfq_decider)


def issue(**changes: object) -> IssueRfq:
    event = issued()
    fields: dict[str, object] = {
        "rfq_id": RFQ,
        "buyer_id": BUYER,
        "title": event.title,
        "currency": "USD",
        "lines": event.lines,
        "suppliers": (HARBOR, JADE),
        "deadline": DEADLINE,
        "delivery_region": "north",
        "supplier_currencies": {HARBOR: "USD", JADE: "USD"},
    }
    return IssueRfq(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_buyer_issues_an_rfq_to_two_suppliers() -> None:
    rfq().when(issue()).then(issued())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline": DEFAULT_NOW}, "deadline"),
        ({"deadline": DEFAULT_NOW + timedelta(days=400)}, "deadline"),
        ({"supplier_currencies": {HARBOR: "USD"}}, "suppliers[1]"),
        ({"supplier_currencies": {HARBOR: "USD", JADE: "EUR"}}, "suppliers[1]"),
    ],
)
def test_an_rfq_is_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    error = rfq().when(issue(**changes)).then_raises(InvalidRfq)
    assert error.field == field


def test_an_invited_supplier_answers_then_revises_before_the_deadline() -> None:
    rfq().given(issued()).when(submit(HARBOR, HARBOR_LINES)).then(submitted(HARBOR, HARBOR_LINES))
    cheaper = (quoted(1, "GLOVE-M", 120, "3.40", 2),)
    [revised] = (
        rfq()
        .given(issued(), submitted(HARBOR, HARBOR_LINES))
        .when(submit(HARBOR, cheaper))
        .then_events()
    )
    assert isinstance(revised, RfqQuoteRevised)
    assert revised.revision == 2
    assert revised.lines == cheaper


def test_a_late_answer_is_refused() -> None:
    late = rfq().given(issued()).at(DEADLINE).when(submit(HARBOR, HARBOR_LINES))
    error = late.then_raises(DeadlinePassed, match="too late")
    assert error.field == "deadline"
    rfq().given(issued()).at(DEADLINE + timedelta(seconds=1)).when(DeclineRfq(HARBOR)).then_raises(
        DeadlinePassed
    )


def test_a_supplier_that_was_not_invited_does_not_see_the_rfq() -> None:
    rfq().given(issued()).when(submit(STRANGER, HARBOR_LINES)).then_raises(NotFound)


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ((quoted(3, "GLOVE-M", 12, "1.00"),), "lines[0].line_no"),
        ((quoted(1, "NOPE", 12, "1.00"),), "lines[0].sku"),
        ((quoted(1, "GLOVE-M", 6, "1.00"),), "lines[0].quantity"),
        ((quoted(1, "GLOVE-M", 30, "1.00"),), "lines[0].quantity"),
        ((quoted(1, "GLOVE-M", 12, "1.00"), quoted(1, "GLOVE-M", 24, "1.00")), "lines[1].line_no"),
    ],
)
def test_a_quote_line_that_breaks_the_catalog_is_refused(lines: tuple, field: str) -> None:  # type: ignore[type-arg]
    error = rfq().given(issued()).when(submit(HARBOR, lines)).then_raises(InvalidQuote)
    assert error.field == field


def test_a_quote_in_another_currency_is_refused() -> None:
    euro = quoted(1, "GLOVE-M", 12, "1.00").model_copy(
        update={"unit_price": usd("1.00").model_copy(update={"currency": "EUR"})}
    )
    error = rfq().given(issued()).when(submit(HARBOR, (euro,))).then_raises(InvalidQuote)
    assert error.field == "lines[0].unit_price.currency"


def test_a_supplier_declines_and_then_cannot_answer() -> None:
    rfq().given(issued()).when(DeclineRfq(JADE, "out of season")).then(
        RfqDeclined(rfq_id=RFQ, supplier_id=JADE, reason="out of season")
    )
    declined = RfqDeclined(rfq_id=RFQ, supplier_id=JADE)
    rfq().given(issued(), declined).when(submit(JADE, JADE_LINES)).then_raises(AlreadyDeclined)


def split() -> AwardRfq:
    return AwardRfq(
        choices=(LineChoice(1, HARBOR), LineChoice(2, JADE)),
        catalogs={HARBOR: CATALOG, JADE: CATALOG},
    )


def answered() -> list[object]:
    return [issued(), submitted(HARBOR, HARBOR_LINES), submitted(JADE, JADE_LINES)]


def awarded_line(line: object) -> AwardedLine:
    return AwardedLine(
        **line.model_dump(),  # type: ignore[attr-defined]
        list_unit_price=CATALOG[line.sku].list_price,  # type: ignore[attr-defined]
    )


def test_the_buyer_awards_line_by_line_to_two_suppliers_at_their_quoted_prices() -> None:
    [event] = rfq().given(*answered()).when(split()).then_events()
    assert isinstance(event, RfqAwarded)
    assert event.awards == (
        Award(
            supplier_id=HARBOR,
            order_id=award_order_id(RFQ, HARBOR),
            revision=1,
            lines=(awarded_line(HARBOR_LINES[0]),),
            requested_delivery_date=issued().lines[0].needed_by,
        ),
        Award(
            supplier_id=JADE,
            order_id=award_order_id(RFQ, JADE),
            revision=1,
            lines=(awarded_line(JADE_LINES[1]),),
        ),
    )
    assert event.awards[1].lines[0].unit_price == usd("2.00")


def test_the_buyer_awards_the_whole_rfq_to_one_supplier() -> None:
    from services.sourcing.domain.state import RfqState

    state = rfq_decider.fold(answered(), RfqState())
    choices = whole(state, JADE)
    [event] = (
        rfq()
        .given(*answered())
        .when(AwardRfq(choices=choices, catalogs={JADE: CATALOG}))
        .then_events()
    )
    assert isinstance(event, RfqAwarded)
    [only] = event.awards
    assert only.supplier_id == JADE
    assert [line.line_no for line in only.lines] == [1, 2]


def test_no_award_while_invited_suppliers_may_still_answer() -> None:
    early = rfq().given(issued(), submitted(HARBOR, HARBOR_LINES))
    early.when(AwardRfq((LineChoice(1, HARBOR),), {})).then_raises(AwardTooEarly)
    after = rfq().given(issued(), submitted(HARBOR, HARBOR_LINES)).at(DEADLINE)
    assert after.when(AwardRfq((LineChoice(1, HARBOR),), {})).then_events()


def test_an_expired_quote_cannot_be_awarded() -> None:
    short = submitted(JADE, JADE_LINES, valid_until=DEADLINE + timedelta(hours=1))
    later = rfq().given(issued(), submitted(HARBOR, HARBOR_LINES), short)
    later = later.at(DEADLINE + timedelta(hours=2))
    error = later.when(split()).then_raises(QuoteExpired, match="expired")
    assert error.field == "lines[1].supplier_id"


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ((LineChoice(9, HARBOR),), "lines[0].line_no"),
        ((LineChoice(1, STRANGER),), "lines[0].supplier_id"),
        ((LineChoice(1, HARBOR), LineChoice(1, JADE)), "lines[1].line_no"),
    ],
)
def test_an_award_that_names_what_cannot_win_is_refused(
    choices: tuple[LineChoice, ...], field: str
) -> None:
    error = rfq().given(*answered()).when(AwardRfq(choices, {})).then_raises(InvalidAward)
    assert error.field == field


def test_a_withdrawn_product_cannot_be_awarded() -> None:
    gone = {**CATALOG, "GLOVE-M": replace(CATALOG["GLOVE-M"], active=False)}
    award = AwardRfq((LineChoice(1, HARBOR),), {HARBOR: gone})
    rfq().given(*answered()).when(award).then_raises(ProductNoLongerSold)


def test_a_declined_suppliers_quote_cannot_win() -> None:
    history = [*answered(), RfqDeclined(rfq_id=RFQ, supplier_id=JADE)]
    rfq().given(*history).when(split()).then_raises(InvalidAward)


def test_an_awarded_rfq_takes_no_more_answers_nor_a_second_award() -> None:
    [event] = rfq().given(*answered()).when(split()).then_events()
    rfq().given(*answered(), event).when(split()).then_raises(RfqClosed)
    rfq().given(*answered(), event).when(submit(HARBOR, HARBOR_LINES)).then_raises(RfqClosed)


def test_the_buyer_cancels_an_open_rfq() -> None:
    rfq().given(issued()).when(CancelRfq("budget cut")).then(
        RfqCancelled(rfq_id=RFQ, reason="budget cut")
    )
    cancelled = RfqCancelled(rfq_id=RFQ, reason="budget cut")
    rfq().given(issued(), cancelled).when(CancelRfq("again")).then_raises(RfqClosed)


def test_valid_until_must_be_in_the_future() -> None:
    stale = submit(HARBOR, HARBOR_LINES, valid_until=VALID - timedelta(days=30))
    error = rfq().given(issued()).when(stale).then_raises(InvalidQuote)
    assert error.field == "valid_until"
