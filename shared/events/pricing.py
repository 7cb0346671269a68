"""Events owned by the pricing service: catalog, price lists, tiers, promotions, order pricing."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from shared.events.base import (
    MAX_AMOUNT,
    Contract,
    DomainEvent,
    Money,
    NonNegativeMoney,
    PositiveQuantity,
    UtcDateTime,
)
from shared.events.upcasting import Upcaster
from shared.events.values import (
    Code,
    CurrencyCode,
    LanguageTag,
    LineNo,
    Lines,
    Percentage,
    Sku,
    Text,
)


def _in_currency(currency: str, *amounts: Money | None) -> None:
    if any(m is not None and m.currency != currency for m in amounts):
        raise ValueError(f"every amount must be in {currency}")


class _ProductFacts(DomainEvent):
    """What pricing knows about a product; other services copy what they need."""

    supplier_id: UUID
    sku: Sku
    name: Text
    category: Code
    unit: Code
    pack_size: PositiveQuantity
    min_order_qty: PositiveQuantity
    list_price: NonNegativeMoney
    cost_price: NonNegativeMoney | None = None

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        _in_currency(self.list_price.currency, self.cost_price)
        return self


# Version 1 of the two product events (no names in other languages) stays for the data stored
# with it and for its frozen schema; the upcasters below bring it to version 2 when read.

ProductNames = Annotated[dict[LanguageTag, Text], Field(max_length=20)]


class ProductRegisteredV1(_ProductFacts):
    """A supplier added a product to its catalog; orders come in multiples of ``pack_size``."""

    model_config = ConfigDict(title="ProductRegistered")
    event_type: ClassVar[str] = "ProductRegistered"
    schema_version: ClassVar[int] = 1


class ProductUpdatedV1(_ProductFacts):
    """A product's facts changed; the event carries all of them, not only the changed ones."""

    model_config = ConfigDict(title="ProductUpdated")
    event_type: ClassVar[str] = "ProductUpdated"
    schema_version: ClassVar[int] = 1

    active: bool = True


class ProductRegistered(_ProductFacts):
    """A supplier added a product to its catalog; orders come in multiples of ``pack_size``.
    ``names`` are the product's name in other languages, by BCP 47 tag (``name`` is the one
    shown where none of them fits)."""

    event_type: ClassVar[str] = "ProductRegistered"
    schema_version: ClassVar[int] = 2

    names: ProductNames = {}


class ProductUpdated(_ProductFacts):
    """A product's facts changed; the event carries all of them, not only the changed ones."""

    event_type: ClassVar[str] = "ProductUpdated"
    schema_version: ClassVar[int] = 2

    active: bool = True
    names: ProductNames = {}


def _without_names(data: dict[str, Any]) -> dict[str, Any]:
    """v1 → v2: a product registered before names in other languages has none."""
    return {**data, "names": {}}


UPCASTERS = (
    Upcaster("ProductRegistered", 1, 2, _without_names),
    Upcaster("ProductUpdated", 1, 2, _without_names),
)


class QuantityBreak(Contract):
    """From ``min_quantity`` units on a line, this unit price applies."""

    min_quantity: PositiveQuantity
    unit_price: NonNegativeMoney


class TierPrice(Contract):
    """A SKU's unit price for one tier, with its quantity breaks."""

    sku: Sku
    unit_price: NonNegativeMoney
    breaks: tuple[QuantityBreak, ...] = ()

    @model_validator(mode="after")
    def _distinct_breaks(self) -> Self:
        minimums = [b.min_quantity for b in self.breaks]
        if len(minimums) != len(set(minimums)):
            raise ValueError("each quantity break's min_quantity may appear only once")
        return self


class PriceListSet(DomainEvent):
    """A supplier's price list for one tier, replacing the previous one."""

    event_type: ClassVar[str] = "PriceListSet"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    tier: Code
    currency: CurrencyCode
    prices: tuple[TierPrice, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        skus = [p.sku for p in self.prices]
        if len(skus) != len(set(skus)):
            raise ValueError("each SKU may appear only once in a price list")
        for p in self.prices:
            _in_currency(self.currency, p.unit_price, *(b.unit_price for b in p.breaks))
        return self


class CustomerPriceSet(DomainEvent):
    """A price agreed with one buyer for one SKU; it beats the tier price."""

    event_type: ClassVar[str] = "CustomerPriceSet"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    buyer_id: UUID
    sku: Sku
    unit_price: NonNegativeMoney


class CustomerTierAssigned(DomainEvent):
    """A supplier placed a buyer in a price tier."""

    event_type: ClassVar[str] = "CustomerTierAssigned"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    buyer_id: UUID
    tier: Code


class PromotionCreated(DomainEvent):
    """A percentage off every product of a category, for a period."""

    event_type: ClassVar[str] = "PromotionCreated"
    schema_version: ClassVar[int] = 1

    promotion_id: UUID
    supplier_id: UUID
    name: Text
    category: Code
    percent_off: Percentage
    starts_at: UtcDateTime
    ends_at: UtcDateTime

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("a promotion must end after it starts")
        return self


class CouponCreated(DomainEvent):
    """A code a buyer can enter for a percentage or an amount off an order."""

    event_type: ClassVar[str] = "CouponCreated"
    schema_version: ClassVar[int] = 1

    coupon_id: UUID
    supplier_id: UUID
    code: Code
    percent_off: Percentage | None = None
    amount_off: NonNegativeMoney | None = None
    min_order_total: NonNegativeMoney | None = None
    valid_from: UtcDateTime
    valid_until: UtcDateTime
    max_redemptions: PositiveQuantity | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("a coupon gives either percent_off or amount_off")
        if self.valid_until <= self.valid_from:
            raise ValueError("a coupon must end after it starts")
        if self.amount_off is not None:
            _in_currency(self.amount_off.currency, self.min_order_total)
        return self


class DiscountKind(StrEnum):
    """Where a discount comes from."""

    TIER_PRICE = "tier_price"
    CUSTOMER_PRICE = "customer_price"
    QUANTITY_BREAK = "quantity_break"
    PROMOTION = "promotion"
    COUPON = "coupon"


class LineDiscount(Contract):
    """An amount off each unit of a line, with the reason a buyer can read."""

    kind: DiscountKind
    reason: Text
    unit_amount: NonNegativeMoney
    source_id: UUID | None = None


class OrderDiscount(Contract):
    """An amount off the whole order (e.g. a coupon's amount off)."""

    kind: DiscountKind
    reason: Text
    amount: NonNegativeMoney
    source_id: UUID | None = None


class PricedLine(Contract):
    """One line's price: list price, each discount, net unit price and line total."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    list_unit_price: NonNegativeMoney
    discounts: tuple[LineDiscount, ...] = ()
    net_unit_price: NonNegativeMoney
    line_total: NonNegativeMoney


class OrderPriced(DomainEvent):
    """Pricing priced every line; ``total`` is ``lines_total`` less the order discounts."""

    event_type: ClassVar[str] = "OrderPriced"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    tier: Code
    currency: CurrencyCode
    lines: Lines[PricedLine]
    order_discounts: tuple[OrderDiscount, ...] = ()
    lines_total: NonNegativeMoney
    total: NonNegativeMoney

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        for line in self.lines:
            _in_currency(
                self.currency,
                line.list_unit_price,
                line.net_unit_price,
                line.line_total,
                *(d.unit_amount for d in line.discounts),
            )
        _in_currency(
            self.currency, self.lines_total, self.total, *(d.amount for d in self.order_discounts)
        )
        listed = sum(line.list_unit_price.amount * line.quantity for line in self.lines)
        if listed >= MAX_AMOUNT:
            raise ValueError(f"an order's value at list prices must be below {MAX_AMOUNT}")
        return self


class PricingProblemCode(StrEnum):
    """Why an order (or one of its lines) cannot be priced."""

    UNKNOWN_SKU = "unknown_sku"
    PRODUCT_INACTIVE = "product_inactive"
    BELOW_MIN_ORDER_QTY = "below_min_order_qty"
    NOT_PACK_MULTIPLE = "not_pack_multiple"
    NO_PRICE = "no_price"
    INVALID_COUPON = "invalid_coupon"


class PricingProblem(Contract):
    """One reason pricing failed; ``line_no`` is empty when the whole order is concerned."""

    code: PricingProblemCode
    detail: Text
    line_no: LineNo | None = None
    sku: Sku | None = None


class OrderPricingFailed(DomainEvent):
    """The order cannot be priced as placed."""

    event_type: ClassVar[str] = "OrderPricingFailed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    problems: tuple[PricingProblem, ...] = Field(min_length=1)


EVENTS: tuple[type[DomainEvent], ...] = (
    ProductRegisteredV1,
    ProductUpdatedV1,
    ProductRegistered,
    ProductUpdated,
    PriceListSet,
    CustomerPriceSet,
    CustomerTierAssigned,
    PromotionCreated,
    CouponCreated,
    OrderPriced,
    OrderPricingFailed,
)
