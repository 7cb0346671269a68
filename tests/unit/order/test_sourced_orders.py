"""Orders sourcing agreed: an award or an accepted quote is placed like any order but carries
its agreed prices and where it came from; a reaction cannot refuse, so lines that no longer fit
the catalog place the order and reject it at once, saying why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.order.domain.decide import order_decider
from services.order.domain.errors import InvalidOrderLine
from services.order.reactions import _placements
from shared.events.base import Money
from shared.events.order import (
    AgreedPrice,
    OrderPlaced,
    OrderRejected,
    OrderSource,
    RejectionCode,
    SourceKind,
)
from shared.events.sourcing import Award, AwardedLine, RfqAwarded
from shared.events.values import Party
from shared.service.testing import Scenario
from tests.unit.order.builders import BUYER, SUPPLIER, eur, place

RFQ = UUID("00000000-0000-7000-8000-00000000a001")
OTHER = UUID("00000000-0000-7000-8000-00000000c002")
SOURCE = OrderSource(kind=SourceKind.RFQ, id=RFQ)


def test_an_order_with_agreed_prices_says_where_it_came_from() -> None:
    agreed = (AgreedPrice(line_no=1, unit_price=eur("2.10")),)
    command = replace(place(("BOLT-10", 12)), agreed_prices=agreed, source=SOURCE)
    [event] = Scenario(order_decider).when(command).then_events()
    assert isinstance(event, OrderPlaced)
    assert (event.agreed_prices, event.source) == (agreed, SOURCE)


def test_lines_that_no_longer_fit_are_refused_at_once_when_a_reaction_places_them() -> None:
    odd = replace(place(("BOLT-10", 13)), source=SOURCE)
    Scenario(order_decider).when(odd).then_raises(InvalidOrderLine)
    placed, rejected = Scenario(order_decider).when(replace(odd, record_refusal=True)).then_events()
    assert isinstance(placed, OrderPlaced)
    assert isinstance(rejected, OrderRejected)
    assert (rejected.code, rejected.rejected_by) == (RejectionCode.OTHER, Party.SYSTEM)
    assert "pack size 6" in rejected.reason


def awarded_line(line_no: int, sku: str, price: str) -> AwardedLine:
    return AwardedLine(line_no=line_no, sku=sku, quantity=12, unit_price=eur(price))


def test_a_split_award_becomes_one_placement_per_supplier_at_its_prices() -> None:
    awarded = RfqAwarded(
        rfq_id=RFQ,
        buyer_id=BUYER,
        title="Workshop supplies",
        delivery_region="north",
        awards=(
            Award(
                supplier_id=SUPPLIER,
                order_id=UUID(int=1),
                revision=2,
                lines=(awarded_line(1, "BOLT-10", "2.10"),),
                requested_delivery_date=date(2026, 5, 1),
            ),
            Award(
                supplier_id=OTHER,
                order_id=UUID(int=2),
                revision=1,
                lines=(awarded_line(2, "NUT-5", "0.40"),),
            ),
        ),
    )
    first, second = _placements(awarded)
    assert (first.order_id, first.supplier_id, first.buyer_id) == (UUID(int=1), SUPPLIER, BUYER)
    assert first.agreed_prices == (AgreedPrice(line_no=1, unit_price=eur("2.10")),)
    assert first.requested_delivery_date == date(2026, 5, 1)
    assert first.record_refusal
    assert first.source == SOURCE
    assert [line.line_no for line in second.lines] == [2]
    assert second.agreed_prices[0].unit_price == Money(amount=Decimal("0.40"), currency="EUR")
