"""Request bodies of pricing's API; every rule names the field that breaks it."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.events.base import NonNegativeMoney, PositiveQuantity, UtcDateTime
from shared.events.values import Code, CurrencyCode, LanguageTag, LineNo, Percentage, Sku, Text


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _same_currency(value: Any, info: ValidationInfo, other: str) -> Any:
    reference = info.data.get(other)
    if value is not None and reference is not None and value.currency != reference.currency:
        raise ValueError(f"must be in {reference.currency}, like {other}")
    return value


def _after(value: datetime, info: ValidationInfo, start: str) -> datetime:
    begin = info.data.get(start)
    if begin is not None and value <= begin:
        raise ValueError(f"must be after {start}")
    return value


def _one_of(value: Any, info: ValidationInfo, other: str, name: str) -> Any:
    if (value is None) == (info.data.get(other) is None):
        raise ValueError(f"give either {other} or {name}")
    return value


Names = Annotated[
    dict[LanguageTag, Text],
    Field(
        max_length=20,
        description="the name in other languages, by BCP 47 tag",
        examples=[{"zh-Hant": "六角螺栓 M8", "zh-Hans": "六角螺栓 M8", "en": "Hex bolt M8"}],
    ),
]


class ProductFacts(Body):
    name: Text
    names: Names = {}
    category: Code
    unit: Code
    pack_size: PositiveQuantity
    min_order_qty: PositiveQuantity
    list_price: NonNegativeMoney
    cost_price: NonNegativeMoney | None = None

    @field_validator("cost_price")
    @classmethod
    def _cost_currency(cls, value: Any, info: ValidationInfo) -> Any:
        return _same_currency(value, info, "list_price")


class NewProduct(ProductFacts):
    supplier_id: UUID
    sku: Sku


class ProductReplacement(ProductFacts):
    supplier_id: UUID
    active: bool = True


class ProductPatch(Body):
    supplier_id: UUID
    name: Text | None = None
    names: Names | None = None
    category: Code | None = None
    unit: Code | None = None
    pack_size: PositiveQuantity | None = None
    min_order_qty: PositiveQuantity | None = None
    list_price: NonNegativeMoney | None = None
    cost_price: NonNegativeMoney | None = None
    active: bool | None = None


class BreakIn(Body):
    """From ``min_quantity`` units: a unit price, or a percentage off the list price."""

    min_quantity: PositiveQuantity
    unit_price: NonNegativeMoney | None = None
    percent_off: Percentage | None = Field(default=None, validate_default=True)

    @field_validator("percent_off")
    @classmethod
    def _one(cls, value: Any, info: ValidationInfo) -> Any:
        return _one_of(value, info, "unit_price", "percent_off")


class TierPriceIn(Body):
    """A SKU's tier price: a unit price, or a percentage off its list price."""

    sku: Sku
    unit_price: NonNegativeMoney | None = None
    percent_off: Percentage | None = Field(default=None, validate_default=True)
    breaks: list[BreakIn] = Field(default_factory=list, max_length=50)

    @field_validator("percent_off")
    @classmethod
    def _one(cls, value: Any, info: ValidationInfo) -> Any:
        return _one_of(value, info, "unit_price", "percent_off")

    @field_validator("breaks")
    @classmethod
    def _distinct(cls, value: list[BreakIn]) -> list[BreakIn]:
        minimums = [b.min_quantity for b in value]
        if len(minimums) != len(set(minimums)):
            raise ValueError("each min_quantity may appear only once")
        return value


class PriceListIn(Body):
    supplier_id: UUID
    tier: Code
    currency: CurrencyCode
    prices: list[TierPriceIn] = Field(max_length=5000)

    @field_validator("prices")
    @classmethod
    def _distinct(cls, value: list[TierPriceIn], info: ValidationInfo) -> list[TierPriceIn]:
        skus = [p.sku for p in value]
        if len(skus) != len(set(skus)):
            raise ValueError("each sku may appear only once")
        currency = info.data.get("currency")
        for index, price in enumerate(value):
            amounts = [price.unit_price, *(b.unit_price for b in price.breaks)]
            if any(a is not None and a.currency != currency for a in amounts):
                raise ValueError(f"prices[{index}]: every unit price must be in {currency}")
        return value


class CustomerPriceIn(Body):
    supplier_id: UUID
    buyer_id: UUID
    sku: Sku
    unit_price: NonNegativeMoney


class CustomerTierIn(Body):
    supplier_id: UUID
    buyer_id: UUID
    tier: Code


class PromotionIn(Body):
    supplier_id: UUID
    name: Text
    category: Code
    percent_off: Percentage
    starts_at: UtcDateTime
    ends_at: UtcDateTime

    @field_validator("ends_at")
    @classmethod
    def _period(cls, value: datetime, info: ValidationInfo) -> datetime:
        return _after(value, info, "starts_at")


class CouponIn(Body):
    supplier_id: UUID
    code: Code
    percent_off: Percentage | None = None
    amount_off: NonNegativeMoney | None = Field(default=None, validate_default=True)
    min_order_total: NonNegativeMoney | None = None
    valid_from: UtcDateTime
    valid_until: UtcDateTime
    max_redemptions: PositiveQuantity | None = None

    @field_validator("amount_off")
    @classmethod
    def _one(cls, value: Any, info: ValidationInfo) -> Any:
        return _one_of(value, info, "percent_off", "amount_off")

    @field_validator("min_order_total")
    @classmethod
    def _currency(cls, value: Any, info: ValidationInfo) -> Any:
        return _same_currency(value, info, "amount_off")

    @field_validator("valid_until")
    @classmethod
    def _period(cls, value: datetime, info: ValidationInfo) -> datetime:
        return _after(value, info, "valid_from")


class QuoteLineIn(Body):
    sku: Sku
    quantity: PositiveQuantity
    line_no: LineNo | None = None


class QuoteIn(Body):
    buyer_id: UUID
    supplier_id: UUID
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=500)
    coupon_code: Code | None = None


def percent_of(price: Decimal, percent: Decimal) -> Decimal:
    """``price`` less ``percent`` %, rounded half-up to cents."""
    return (price * (100 - percent) / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
