"""The comparison marks, per line, the best unit price, landed unit cost and lead time among
the valid quotes; an expired quote is shown but never best."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from services.sourcing.domain.comparison import offers_for, totals
from services.sourcing.domain.decide import rfq_decider
from services.sourcing.domain.state import RfqState
from shared.service.testing import DEFAULT_NOW
from tests.unit.sourcing.builders import (
    DEADLINE,
    HARBOR,
    HARBOR_LINES,
    JADE,
    JADE_LINES,
    issued,
    submitted,
    usd,
)


def state(*events: object) -> RfqState:
    return rfq_decider.fold(events, RfqState())  # type: ignore[arg-type]


def test_each_line_marks_its_best_price_landed_cost_and_lead_time() -> None:
    current = state(issued(), submitted(HARBOR, HARBOR_LINES), submitted(JADE, JADE_LINES))
    gloves = {o.supplier_id: o for o in offers_for(current, 1, DEFAULT_NOW)}
    assert gloves[HARBOR].best == ("unit_price", "landed_unit_cost")
    assert gloves[JADE].best == ("lead_time_days",)
    # 120 x 3.50 = 420 of Harbor's 564 in goods carries 420/564 of its 10.00 delivery
    assert gloves[HARBOR].landed_cost == Decimal("427.45")
    tape = {o.supplier_id: o for o in offers_for(current, 2, DEFAULT_NOW)}
    assert set(tape[JADE].best) == {"unit_price", "landed_unit_cost", "lead_time_days"}


def test_an_expired_quote_is_never_best_and_one_valid_quote_is_not_compared() -> None:
    short = submitted(JADE, JADE_LINES, valid_until=DEADLINE)
    current = state(issued(), submitted(HARBOR, HARBOR_LINES), short)
    later = DEADLINE + timedelta(minutes=1)
    tape = {o.supplier_id: o for o in offers_for(current, 2, later)}
    assert tape[JADE].expired
    assert tape[JADE].best == ()
    assert tape[HARBOR].best == ()  # nothing to compare it with
    by_supplier = {t.supplier_id: t for t in totals(current, later)}
    assert by_supplier[HARBOR].best == ()
    assert by_supplier[HARBOR].landed == Decimal("574.00")
    both = {t.supplier_id: t.best for t in totals(current, DEFAULT_NOW)}
    assert both == {HARBOR: ("landed_total",), JADE: ("lead_time_days",)}


def test_a_quote_worth_nothing_shares_its_delivery_evenly() -> None:
    free = submitted(
        HARBOR,
        tuple(line.model_copy(update={"unit_price": usd("0")}) for line in HARBOR_LINES),
    )
    current = state(issued(), free)
    assert [o.landed_cost for o in offers_for(current, 1, DEFAULT_NOW)] == [Decimal("5.00")]
