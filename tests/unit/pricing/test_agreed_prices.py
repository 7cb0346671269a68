"""Prices agreed in sourcing beat the price lists (tier, promotion), the line keeps its list
price, and the lines are checked as for any order."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from services.pricing.domain.agreed import price_agreed
from services.pricing.domain.pricing import Quote, Unpriceable
from shared.events.base import Money
from shared.events.pricing import DiscountKind, PricingProblemCode
from tests.unit.pricing.builders import AT, book, gold_tier, line, promotion

RFQ = UUID("00000000-0000-7000-8000-00000000a001")


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def test_an_agreed_price_below_the_list_is_the_net_price_with_its_discount_shown() -> None:
    terms = book(tier_prices=gold_tier("1.80"), promotions=(promotion("50"),))
    priced = price_agreed(terms, [line(30)], None, AT, {1: eur("1.25")}, RFQ)
    assert isinstance(priced, Quote)
    [only] = priced.lines
    assert only.list_unit_price == eur("2.00")
    assert only.net_unit_price == eur("1.25")
    assert [(d.kind, d.unit_amount, d.source_id) for d in only.discounts] == [
        (DiscountKind.CUSTOMER_PRICE, eur("0.75"), RFQ)
    ]
    assert priced.total == eur("37.50")


def test_an_agreed_price_above_the_list_is_charged_as_agreed() -> None:
    priced = price_agreed(book(), [line(30)], None, AT, {1: eur("2.40")})
    assert isinstance(priced, Quote)
    assert priced.lines[0].list_unit_price == eur("2.40")
    assert priced.lines[0].discounts == ()
    assert priced.total == eur("72.00")


def test_lines_without_an_agreed_price_keep_the_price_lists() -> None:
    priced = price_agreed(book(tier_prices=gold_tier("1.80")), [line(30)], None, AT, {})
    assert isinstance(priced, Quote)
    assert priced.lines[0].net_unit_price == eur("1.80")


def test_catalog_rules_and_currency_still_apply() -> None:
    broken = price_agreed(book(), [line(25)], None, AT, {1: eur("1.00")})
    assert isinstance(broken, Unpriceable)
    assert broken.problems[0].code == PricingProblemCode.NOT_PACK_MULTIPLE
    dollars = Money(amount=Decimal("1.00"), currency="USD")
    foreign = price_agreed(book(), [line(30)], None, AT, {1: dollars})
    assert isinstance(foreign, Unpriceable)
    assert foreign.problems[0].code == PricingProblemCode.NO_PRICE
