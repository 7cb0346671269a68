"""The pure pricing function: precedence, rounding, problems."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from services.pricing.domain.pricing import Quote, Unpriceable, price_lines
from shared.events.pricing import DiscountKind, PricingProblemCode
from tests.unit.pricing.builders import (
    AT,
    book,
    coupon,
    customer_price,
    gold_tier,
    line,
    product,
    promotion,
)


def quote(result: Quote | Unpriceable) -> Quote:
    assert isinstance(result, Quote), result
    return result


def problems(result: Quote | Unpriceable) -> list[tuple[PricingProblemCode, int | None]]:
    assert isinstance(result, Unpriceable), result
    return [(p.code, p.line_no) for p in result.problems]


def test_list_price_applies_without_tier_terms() -> None:
    priced = quote(price_lines(book(), [line(30)], None, AT))
    assert priced.lines[0].net_unit_price.amount == Decimal("2.00")
    assert priced.lines[0].discounts == ()
    assert priced.total.amount == Decimal("60.00")
    assert (priced.currency, priced.tier) == ("EUR", "gold")


def test_tier_price_then_best_reached_quantity_break() -> None:
    terms = book(tier_prices=gold_tier("1.80", (50, "1.60"), (100, "1.50")))
    priced = quote(price_lines(terms, [line(60)], None, AT)).lines[0]
    kinds = [(d.kind, d.unit_amount.amount) for d in priced.discounts]
    assert kinds == [
        (DiscountKind.TIER_PRICE, Decimal("0.20")),
        (DiscountKind.QUANTITY_BREAK, Decimal("0.20")),
    ]
    assert priced.net_unit_price.amount == Decimal("1.60")
    assert priced.line_total.amount == Decimal("96.00")


def test_customer_price_overrides_tier_price_and_its_breaks() -> None:
    terms = book(
        tier_prices=gold_tier("1.80", (20, "1.00")), customer_prices=customer_price("1.70")
    )
    priced = quote(price_lines(terms, [line(20)], None, AT)).lines[0]
    assert [d.kind for d in priced.discounts] == [DiscountKind.CUSTOMER_PRICE]
    assert priced.net_unit_price.amount == Decimal("1.70")


def test_promotion_then_coupon_apply_on_top_rounded_half_up_per_unit() -> None:
    terms = book(tier_prices=gold_tier("1.85"), promotions=(promotion("10"),), coupons=coupon())
    priced = quote(price_lines(terms, [line(20)], "save5", AT)).lines[0]
    # 1.85 -10% = 1.665 -> 1.67; 1.67 -5% = 1.5865 -> 1.59
    assert [(d.kind, d.unit_amount.amount) for d in priced.discounts] == [
        (DiscountKind.TIER_PRICE, Decimal("0.15")),
        (DiscountKind.PROMOTION, Decimal("0.18")),
        (DiscountKind.COUPON, Decimal("0.08")),
    ]
    assert priced.net_unit_price.amount == Decimal("1.59")
    assert (
        priced.list_unit_price.amount - sum(d.unit_amount.amount for d in priced.discounts)
        == priced.net_unit_price.amount
    )


def test_promotion_counts_only_in_its_period_and_category() -> None:
    terms = book(promotions=(promotion("10"), promotion("50", category="tools")))
    inside = quote(price_lines(terms, [line(20)], None, AT)).lines[0]
    after = quote(price_lines(terms, [line(20)], None, datetime(2026, 4, 1, tzinfo=UTC))).lines[0]
    assert inside.net_unit_price.amount == Decimal("1.80")
    assert after.net_unit_price.amount == Decimal("2.00")


def test_amount_coupon_is_an_order_discount_never_below_zero() -> None:
    terms = book(coupons=coupon(percent_off=None, amount_off=Decimal("100"), currency="EUR"))
    priced = quote(price_lines(terms, [line(20)], "SAVE5", AT))
    assert priced.lines_total.amount == Decimal("40.00")
    assert priced.order_discounts[0].amount.amount == Decimal("40.00")
    assert priced.total.amount == Decimal("0.00")


def test_a_full_percentage_leaves_a_zero_price() -> None:
    terms = book(promotions=(promotion("100"),))
    assert quote(price_lines(terms, [line(20)], None, AT)).total.amount == Decimal("0.00")


def test_every_line_problem_is_reported() -> None:
    terms = book(products={"BOLT-10": product(), "OLD": product("OLD", active=False)})
    result = price_lines(terms, [line(15), line(20, "NOPE", 2), line(20, "OLD", 3)], None, AT)
    assert problems(result) == [
        (PricingProblemCode.BELOW_MIN_ORDER_QTY, 1),
        (PricingProblemCode.NOT_PACK_MULTIPLE, 1),
        (PricingProblemCode.UNKNOWN_SKU, 2),
        (PricingProblemCode.PRODUCT_INACTIVE, 3),
    ]


def test_currency_mismatch_is_a_line_problem() -> None:
    terms = book(products={"BOLT-10": product(currency="USD")})
    assert problems(price_lines(terms, [line(20)], None, AT)) == [(PricingProblemCode.NO_PRICE, 1)]


def test_expired_unknown_exhausted_or_too_small_coupons_are_invalid() -> None:
    cases = [
        (book(coupons=coupon()), "OTHER"),
        (book(coupons=coupon(valid_until=AT)), "SAVE5"),
        (book(coupons=coupon(valid_from=datetime(2026, 3, 11, tzinfo=UTC))), "SAVE5"),
        (book(coupons=coupon(max_redemptions=2, redemptions=2)), "SAVE5"),
        (book(coupons=coupon(min_order_total=Decimal("40.01"))), "SAVE5"),
    ]
    for terms, code in cases:
        assert problems(price_lines(terms, [line(20)], code, AT)) == [
            (PricingProblemCode.INVALID_COUPON, None)
        ]


def test_pricing_depends_on_the_given_instant_only() -> None:
    terms = book(promotions=(promotion("10"),))
    first = price_lines(terms, [line(20)], None, AT)
    assert first == price_lines(replace(terms), [line(20)], None, AT)


def test_an_order_worth_more_than_any_amount_recorded_is_unpriceable_not_an_error() -> None:
    dear = book(products={"BOLT-10": product(list_price=Decimal("999999999.00"))})
    failed = price_lines(dear, [line(1000), line(1000, line_no=2)], None, AT)
    assert problems(failed) == [(PricingProblemCode.NO_PRICE, None)]
    assert isinstance(failed, Unpriceable)
    assert "largest amount" in failed.problems[0].detail
    assert isinstance(price_lines(dear, [line(1000)], None, AT), Quote)
