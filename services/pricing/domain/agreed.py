"""Prices agreed before the order (an awarded RFQ's, an accepted quote's) beat the price lists:
the line keeps its list price, the agreed price is its net price, and the difference shows as
the buyer's agreed-price discount. Everything else about the lines (the SKU is sold, whole packs,
the minimum, the currency) is checked as for any order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from services.pricing.domain.book import PricingBook
from services.pricing.domain.pricing import Quote, QuoteLine, Unpriceable, price_lines
from shared.events.base import MAX_AMOUNT, Money
from shared.events.pricing import (
    DiscountKind,
    LineDiscount,
    PricedLine,
    PricingProblem,
    PricingProblemCode,
)

REASON = "price agreed in the quote"


def price_agreed(
    book: PricingBook,
    lines: Sequence[QuoteLine],
    coupon_code: str | None,
    at: datetime,
    agreed: Mapping[int, Money],
    source_id: UUID | None = None,
) -> Quote | Unpriceable:
    """Price ``lines`` as ``price_lines`` does, then put the agreed unit price on every line
    ``agreed`` names (by line number)."""
    result = price_lines(book, lines, coupon_code, at)
    if isinstance(result, Unpriceable) or not agreed:
        return result
    foreign = sorted({m.currency for m in agreed.values()} - {result.currency})
    if foreign:
        detail = f"the agreed prices are in {foreign[0]}, the supplier sells in {result.currency}"
        return Unpriceable((PricingProblem(code=PricingProblemCode.NO_PRICE, detail=detail),))
    priced = tuple(
        _at_agreed(line, agreed[line.line_no], source_id) if line.line_no in agreed else line
        for line in result.lines
    )
    listed = sum((line.list_unit_price.amount * line.quantity for line in priced), Decimal(0))
    if listed >= MAX_AMOUNT:
        detail = (
            f"the order's value at list prices is beyond the largest amount (below {MAX_AMOUNT})"
        )
        return Unpriceable((PricingProblem(code=PricingProblemCode.NO_PRICE, detail=detail),))
    return _totalled(result, priced)


def _at_agreed(line: PricedLine, price: Money, source_id: UUID | None) -> PricedLine:
    start = max(line.list_unit_price.amount, price.amount)
    discounts: tuple[LineDiscount, ...] = ()
    if start > price.amount:
        off = Money(amount=start - price.amount, currency=price.currency)
        discounts = (
            LineDiscount(
                kind=DiscountKind.CUSTOMER_PRICE,
                reason=REASON,
                unit_amount=off,
                source_id=source_id,
            ),
        )
    return _changed(
        line,
        list_unit_price=Money(amount=start, currency=price.currency),
        discounts=discounts,
        net_unit_price=price,
        line_total=Money(amount=price.amount * line.quantity, currency=price.currency),
    )


def _changed(line: PricedLine, **changes: object) -> PricedLine:
    return PricedLine.model_validate({**line.model_dump(), **changes})


def _totalled(result: Quote, lines: tuple[PricedLine, ...]) -> Quote:
    lines_total = sum((line.line_total.amount for line in lines), Decimal(0))
    discounts, left = [], lines_total
    for discount in result.order_discounts:
        amount = min(discount.amount.amount, left)
        left -= amount
        discounts.append(
            discount.model_copy(update={"amount": Money(amount=amount, currency=result.currency)})
        )
    return replace(
        result,
        lines=lines,
        order_discounts=tuple(discounts),
        lines_total=Money(amount=lines_total, currency=result.currency),
        total=Money(amount=left, currency=result.currency),
    )
