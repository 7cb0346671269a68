"""The terms pricing reads for one buyer and one supplier: a snapshot, built by the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

DEFAULT_TIER = "standard"
"""The tier of a buyer nobody has placed in one: list prices apply."""

CENT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Half-up to 2 decimals, the rounding every unit price and total goes through."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def coupon_key(code: str) -> str:
    """Coupon codes are matched case-insensitively: buyers type them."""
    return code.upper()


@dataclass(frozen=True)
class ProductTerms:
    sku: str
    name: str
    category: str
    pack_size: int
    min_order_qty: int
    list_price: Decimal
    currency: str
    active: bool = True


@dataclass(frozen=True)
class TierTerms:
    """A SKU's price in the buyer's tier and its quantity breaks (min quantity → unit price)."""

    unit_price: Decimal
    currency: str
    breaks: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True)
class CustomerPrice:
    unit_price: Decimal
    currency: str


@dataclass(frozen=True)
class PromotionTerms:
    promotion_id: UUID
    name: str
    category: str
    percent_off: Decimal
    starts_at: datetime
    ends_at: datetime

    def active_at(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True)
class CouponTerms:
    coupon_id: UUID
    code: str
    valid_from: datetime
    valid_until: datetime
    percent_off: Decimal | None = None
    amount_off: Decimal | None = None
    currency: str | None = None
    min_order_total: Decimal | None = None
    max_redemptions: int | None = None
    redemptions: int = 0


@dataclass(frozen=True)
class PricingBook:
    """Everything needed to price lines of one buyer with one supplier at one instant."""

    tier: str = DEFAULT_TIER
    currency: str | None = None
    products: Mapping[str, ProductTerms] = field(default_factory=dict)
    tier_prices: Mapping[str, TierTerms] = field(default_factory=dict)
    customer_prices: Mapping[str, CustomerPrice] = field(default_factory=dict)
    promotions: tuple[PromotionTerms, ...] = ()
    coupons: Mapping[str, CouponTerms] = field(default_factory=dict)
