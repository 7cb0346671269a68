"""The pure pricing function that both order pricing and quotes use.

Precedence, per unit of a line (each step rounded half-up to 2 decimals, never below zero):
1. a customer-specific price overrides the tier price (quantity breaks then do not apply);
2. otherwise the buyer's tier price, then the best quantity break reached on that tier price;
   with neither, the product's list price;
3. the best promotion active at the pricing instant for the product's category (percent off);
4. the coupon on top: a percentage off each unit, or an amount off the order total.
Each discount is the difference between consecutive steps, so net = list - sum(discounts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from services.pricing.domain.book import (
    CouponTerms,
    PricingBook,
    ProductTerms,
    coupon_key,
    round_money,
)
from shared.events.base import MAX_AMOUNT, Money
from shared.events.pricing import (
    DiscountKind,
    LineDiscount,
    OrderDiscount,
    PricedLine,
    PricingProblem,
    PricingProblemCode,
)

Code = PricingProblemCode


@dataclass(frozen=True)
class QuoteLine:
    line_no: int
    sku: str
    quantity: int


@dataclass(frozen=True)
class Quote:
    """A priced set of lines: what OrderPriced carries."""

    tier: str
    currency: str
    lines: tuple[PricedLine, ...]
    order_discounts: tuple[OrderDiscount, ...]
    lines_total: Money
    total: Money


@dataclass(frozen=True)
class Unpriceable:
    """Why the lines cannot be priced: every problem found, not only the first."""

    problems: tuple[PricingProblem, ...]


@dataclass(frozen=True)
class _Step:
    kind: DiscountKind
    reason: str
    price: Decimal
    source_id: UUID | None = None


def price_lines(
    book: PricingBook, lines: Sequence[QuoteLine], coupon_code: str | None, at: datetime
) -> Quote | Unpriceable:
    """Price ``lines`` at instant ``at`` (the placement time, never the wall clock)."""
    currency = book.currency or _first_currency(book, lines)
    problems: list[PricingProblem] = []
    steps: list[tuple[QuoteLine, Decimal, list[_Step]]] = []
    for line in lines:
        found = _line_problems(book, line, currency)
        if found:
            problems.extend(found)
            continue
        product = book.products[line.sku]
        steps.append((line, product.list_price, _base_steps(book, product, line, at)))
    if problems or currency is None:
        return Unpriceable(tuple(problems))
    listed = sum((_start(base, s) * line.quantity for line, base, s in steps), Decimal("0"))
    if listed >= MAX_AMOUNT:
        detail = (
            f"the order's value at list prices, {listed} {currency}, is beyond the largest "
            f"amount recorded (below {MAX_AMOUNT}); split it into smaller orders"
        )
        return Unpriceable((PricingProblem(code=Code.NO_PRICE, detail=detail),))
    before_coupon = sum((_last(base, s) * line.quantity for line, base, s in steps), Decimal("0"))
    coupon: CouponTerms | None = None
    if coupon_code is not None:
        coupon = book.coupons.get(coupon_key(coupon_code))
        reason = _coupon_problem(coupon, coupon_code, currency, before_coupon, at)
        if reason is not None:
            return Unpriceable((PricingProblem(code=Code.INVALID_COUPON, detail=reason),))
    priced = tuple(_priced_line(line, base, s, coupon, currency) for line, base, s in steps)
    return _totals(book.tier, currency, priced, coupon)


def _first_currency(book: PricingBook, lines: Sequence[QuoteLine]) -> str | None:
    for line in lines:
        product = book.products.get(line.sku)
        if product is not None:
            return product.currency
    return None


def _line_problems(
    book: PricingBook, line: QuoteLine, currency: str | None
) -> list[PricingProblem]:
    def problem(code: PricingProblemCode, detail: str) -> PricingProblem:
        return PricingProblem(code=code, detail=detail, line_no=line.line_no, sku=line.sku)

    product = book.products.get(line.sku)
    if product is None:
        return [problem(Code.UNKNOWN_SKU, f"no product {line.sku} in this supplier's catalog")]
    if not product.active:
        return [problem(Code.PRODUCT_INACTIVE, f"{line.sku} is no longer sold")]
    found = []
    if line.quantity < product.min_order_qty:
        found.append(
            problem(
                Code.BELOW_MIN_ORDER_QTY,
                f"order at least {product.min_order_qty} {line.sku}, not {line.quantity}",
            )
        )
    if line.quantity % product.pack_size:
        found.append(
            problem(
                Code.NOT_PACK_MULTIPLE,
                f"{line.sku} comes in packs of {product.pack_size}; "
                f"{line.quantity} is not a multiple",
            )
        )
    mismatch = _currency_mismatch(book, product, currency)
    if mismatch:
        found.append(problem(Code.NO_PRICE, mismatch))
    return found


def _currency_mismatch(book: PricingBook, product: ProductTerms, currency: str | None) -> str:
    used = {product.currency}
    if product.sku in book.customer_prices:
        used.add(book.customer_prices[product.sku].currency)
    elif product.sku in book.tier_prices:
        used.add(book.tier_prices[product.sku].currency)
    other = sorted(used - {currency})
    if other:
        return (
            f"currency mismatch: {product.sku} is priced in {other[0]}, the order is in {currency}"
        )
    return ""


def _base_steps(
    book: PricingBook, product: ProductTerms, line: QuoteLine, at: datetime
) -> list[_Step]:
    steps: list[_Step] = []
    customer = book.customer_prices.get(product.sku)
    tier = book.tier_prices.get(product.sku)
    if customer is not None:
        steps.append(_Step(DiscountKind.CUSTOMER_PRICE, "your agreed price", customer.unit_price))
    elif tier is not None:
        steps.append(_Step(DiscountKind.TIER_PRICE, f"{book.tier} tier price", tier.unit_price))
        reached = [b for b in tier.breaks if b[0] <= line.quantity]
        if reached:
            minimum, price = max(reached)
            steps.append(_Step(DiscountKind.QUANTITY_BREAK, f"from {minimum} units", price))
    promotions = [p for p in book.promotions if p.category == product.category and p.active_at(at)]
    if promotions:
        best = max(promotions, key=lambda p: (p.percent_off, str(p.promotion_id)))
        price = _last(product.list_price, steps)
        steps.append(
            _Step(
                DiscountKind.PROMOTION,
                f"{best.name}: {best.percent_off}% off {best.category}",
                _percent_off(price, best.percent_off),
                best.promotion_id,
            )
        )
    return steps


def _last(base: Decimal, steps: Sequence[_Step]) -> Decimal:
    return steps[-1].price if steps else base


def _percent_off(price: Decimal, percent: Decimal) -> Decimal:
    return max(round_money(price * (100 - percent) / 100), Decimal("0"))


def _coupon_problem(
    coupon: CouponTerms | None, code: str, currency: str, total: Decimal, at: datetime
) -> str | None:
    if coupon is None:
        return f"coupon {code} does not exist for this supplier"
    if at < coupon.valid_from:
        return f"coupon {code} is valid from {coupon.valid_from.isoformat()}"
    if at >= coupon.valid_until:
        return f"coupon {code} expired at {coupon.valid_until.isoformat()}"
    if coupon.max_redemptions is not None and coupon.redemptions >= coupon.max_redemptions:
        return f"coupon {code} has been redeemed its {coupon.max_redemptions} times"
    if coupon.currency is not None and coupon.currency != currency:
        return f"coupon {code} is in {coupon.currency}, the order is in {currency}"
    if coupon.min_order_total is not None and total < coupon.min_order_total:
        return f"coupon {code} needs an order of at least {coupon.min_order_total} {currency}"
    return None


def _start(base: Decimal, steps: Sequence[_Step]) -> Decimal:
    """A line's list unit price: the product's, or the first step's when that is higher."""
    return round_money(max([base, *(s.price for s in steps[:1])]))


def _priced_line(
    line: QuoteLine, base: Decimal, steps: list[_Step], coupon: CouponTerms | None, currency: str
) -> PricedLine:
    if coupon is not None and coupon.percent_off is not None:
        steps = [
            *steps,
            _Step(
                DiscountKind.COUPON,
                f"coupon {coupon.code}: {coupon.percent_off}% off",
                _percent_off(_last(base, steps), coupon.percent_off),
                coupon.coupon_id,
            ),
        ]
    start = _start(base, steps)
    discounts, previous = [], start
    for step in steps:
        price = min(round_money(step.price), previous)
        if price < previous:
            discounts.append(
                LineDiscount(
                    kind=step.kind,
                    reason=step.reason,
                    unit_amount=Money(amount=previous - price, currency=currency),
                    source_id=step.source_id,
                )
            )
        previous = price
    return PricedLine(
        line_no=line.line_no,
        sku=line.sku,
        quantity=line.quantity,
        list_unit_price=Money(amount=start, currency=currency),
        discounts=tuple(discounts),
        net_unit_price=Money(amount=previous, currency=currency),
        line_total=Money(amount=previous * line.quantity, currency=currency),
    )


def _totals(
    tier: str, currency: str, lines: tuple[PricedLine, ...], coupon: CouponTerms | None
) -> Quote:
    lines_total = sum((line.line_total.amount for line in lines), Decimal("0.00"))
    order_discounts: tuple[OrderDiscount, ...] = ()
    if coupon is not None and coupon.amount_off is not None and lines_total > 0:
        amount = min(coupon.amount_off, lines_total)
        order_discounts = (
            OrderDiscount(
                kind=DiscountKind.COUPON,
                reason=f"coupon {coupon.code}: {coupon.amount_off} {currency} off",
                amount=Money(amount=amount, currency=currency),
                source_id=coupon.coupon_id,
            ),
        )
    total = lines_total - sum((d.amount.amount for d in order_discounts), Decimal("0"))
    return Quote(
        tier=tier,
        currency=currency,
        lines=lines,
        order_discounts=order_discounts,
        lines_total=Money(amount=lines_total, currency=currency),
        total=Money(amount=total, currency=currency),
    )
