"""Terms and events to build pricing tests from."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from services.pricing.domain.book import (
    CouponTerms,
    CustomerPrice,
    PricingBook,
    ProductTerms,
    PromotionTerms,
    TierTerms,
)
from services.pricing.domain.pricing import QuoteLine

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PROMO_ID = UUID("00000000-0000-0000-0000-00000000aaaa")
COUPON_ID = UUID("00000000-0000-0000-0000-00000000bbbb")


def product(sku: str = "BOLT-10", **overrides: object) -> ProductTerms:
    facts: dict[str, object] = {
        "sku": sku,
        "name": "Bolt M10",
        "category": "fasteners",
        "pack_size": 10,
        "min_order_qty": 20,
        "list_price": Decimal("2.00"),
        "currency": "EUR",
    }
    facts.update(overrides)
    return ProductTerms(**facts)  # type: ignore[arg-type]


def book(**overrides: object) -> PricingBook:
    facts: dict[str, object] = {
        "tier": "gold",
        "currency": "EUR",
        "products": {"BOLT-10": product()},
    }
    facts.update(overrides)
    return PricingBook(**facts)  # type: ignore[arg-type]


def gold_tier(price: str = "1.80", *breaks: tuple[int, str]) -> dict[str, TierTerms]:
    return {"BOLT-10": TierTerms(Decimal(price), "EUR", tuple((n, Decimal(p)) for n, p in breaks))}


def customer_price(price: str) -> dict[str, CustomerPrice]:
    return {"BOLT-10": CustomerPrice(Decimal(price), "EUR")}


def promotion(percent: str = "10", **overrides: object) -> PromotionTerms:
    facts: dict[str, object] = {
        "promotion_id": PROMO_ID,
        "name": "Spring",
        "category": "fasteners",
        "percent_off": Decimal(percent),
        "starts_at": datetime(2026, 3, 1, tzinfo=UTC),
        "ends_at": datetime(2026, 4, 1, tzinfo=UTC),
    }
    facts.update(overrides)
    return PromotionTerms(**facts)  # type: ignore[arg-type]


def coupon(**overrides: object) -> dict[str, CouponTerms]:
    facts: dict[str, object] = {
        "coupon_id": COUPON_ID,
        "code": "SAVE5",
        "valid_from": datetime(2026, 3, 1, tzinfo=UTC),
        "valid_until": datetime(2026, 3, 31, tzinfo=UTC),
        "percent_off": Decimal("5"),
    }
    facts.update(overrides)
    terms = CouponTerms(**facts)  # type: ignore[arg-type]
    return {terms.code: terms}


def line(quantity: int = 20, sku: str = "BOLT-10", line_no: int = 1) -> QuoteLine:
    return QuoteLine(line_no=line_no, sku=sku, quantity=quantity)
