"""What the pricing service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed. The examples
are real answers of a seeded system after full order lifecycles."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict
from pydantic.config import JsonDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class ProductPageItem(Answer):
    """A product of the catalogue; ``names`` by language."""

    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, str] | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: Amount | None = None
    currency: str | None = None
    active: bool | None = None
    version: int | None = None


class ProductPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                            "sku": "JMF-0001",
                            "name": "Alishan high-mountain oolong, 150 g",
                            "names": {
                                "en": "Alishan high-mountain oolong, 150 g",
                                "zh-Hans": "阿里山高山乌龙茶 150 g",
                                "zh-Hant": "阿里山高山烏龍茶 150 g",
                            },
                            "category": "tea",
                            "unit": "tin",
                            "pack_size": 12,
                            "min_order_qty": 12,
                            "list_price": {"amount": "42.96", "currency": "USD"},
                            "currency": "USD",
                            "active": True,
                            "version": 1,
                        }
                    ]
                }
            ]
        }
    )

    items: list[ProductPageItem] | None = None


class ProductOut(Answer):
    """A product as its supplier and operations see it, with its ``cost_price``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "sku": "HIS-0027",
                    "name": 'Adjustable wrench 10" (250 mm)',
                    "names": {
                        "en": 'Adjustable wrench 10" (250 mm)',
                        "zh-Hans": '活动扳手 10" (250 mm)',
                        "zh-Hant": '活動扳手 10" (250 mm)',
                    },
                    "category": "hand_tools",
                    "unit": "each",
                    "pack_size": 6,
                    "min_order_qty": 12,
                    "list_price": {"amount": "18.21", "currency": "USD"},
                    "currency": "USD",
                    "cost_price": {"amount": "11.29", "currency": "USD"},
                    "active": True,
                    "version": 1,
                }
            ]
        }
    )

    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, str] | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: Amount | None = None
    currency: str | None = None
    cost_price: Amount | None = None
    active: bool | None = None
    version: int | None = None


class PriceListPageItemBreak(Answer):
    min_quantity: int | None = None
    unit_price: Amount | None = None


class PriceListPageItem(Answer):
    """A tier's unit price for a SKU, with its quantity breaks."""

    tier: str | None = None
    sku: str | None = None
    currency: str | None = None
    unit_price: Amount | None = None
    breaks: list[PriceListPageItemBreak] | None = None


class PriceListPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "tier": "bronze",
                            "sku": "HIS-0001",
                            "currency": "USD",
                            "unit_price": {"amount": "10.80", "currency": "USD"},
                            "breaks": [
                                {
                                    "min_quantity": 10,
                                    "unit_price": {"amount": "10.24", "currency": "USD"},
                                }
                            ],
                        }
                    ]
                }
            ]
        }
    )

    items: list[PriceListPageItem] | None = None


class CustomerPricePageItem(Answer):
    """A unit price agreed with one buyer."""

    supplier_id: str | None = None
    buyer_id: str | None = None
    sku: str | None = None
    unit_price: Amount | None = None
    currency: str | None = None


class CustomerPricePage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                            "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                            "sku": "HIS-0002",
                            "unit_price": {"amount": "10.06", "currency": "USD"},
                            "currency": "USD",
                        }
                    ]
                }
            ]
        }
    )

    items: list[CustomerPricePageItem] | None = None


class PromotionPageItem(Answer):
    """A percentage off a category between two instants."""

    promotion_id: str | None = None
    name: str | None = None
    category: str | None = None
    percent_off: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class PromotionPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "promotion_id": "01a24eae-ccfb-763b-864a-9753f8625fb3",
                            "name": "Fasteners month",
                            "category": "fasteners",
                            "percent_off": "10",
                            "starts_at": "2026-12-06T00:00:00+00:00",
                            "ends_at": "2027-02-05T00:00:00+00:00",
                        }
                    ]
                }
            ]
        }
    )

    items: list[PromotionPageItem] | None = None


class CustomerTierOut(Answer):
    """The tier a buyer's prices come from with one supplier."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "tier": "gold",
                }
            ]
        }
    )

    buyer_id: str | None = None
    supplier_id: str | None = None
    tier: str | None = None


class CouponOut(Answer):
    """A coupon: a percentage (``percent_off``) or an amount (``amount_off``) off an order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "coupon_id": "01a24eae-ccfc-75c6-b500-6a79c5bc615e",
                    "code": "WELCOME10",
                    "percent_off": "10",
                    "amount_off": None,
                    "currency": None,
                    "valid_from": "2026-12-06T00:00:00+00:00",
                    "valid_until": "2027-12-07T00:00:00+00:00",
                    "max_redemptions": None,
                    "redemptions": 0,
                }
            ]
        }
    )

    coupon_id: str | None = None
    code: str | None = None
    percent_off: str | None = None
    amount_off: Amount | None = None
    currency: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_redemptions: int | None = None
    redemptions: int | None = None


class CatalogPageItemPriceDiscount(Answer):
    """An amount off each unit of a line and why (``source_id``: the promotion or coupon)."""

    kind: str | None = None
    reason: str | None = None
    unit_amount: Amount | None = None
    source_id: str | None = None


class CatalogPageItemPrice(Answer):
    """What the buyer pays per unit at ``quantity``, discount by discount."""

    quantity: int | None = None
    list_unit_price: Amount | None = None
    net_unit_price: Amount | None = None
    discounts: list[CatalogPageItemPriceDiscount] | None = None


class CatalogPageItemQuantityBreak(Answer):
    min_quantity: int | None = None
    net_unit_price: Amount | None = None


class CatalogPageItemPromotion(Answer):
    promotion_id: str | None = None
    name: str | None = None
    percent_off: str | None = None
    ends_at: datetime | None = None


class CatalogPageItem(Answer):
    """A product with the buyer's price, quantity breaks, promotion and available stock."""

    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, str] | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: Amount | None = None
    tier: str | None = None
    price: CatalogPageItemPrice | None = None
    quantity_breaks: list[CatalogPageItemQuantityBreak] | None = None
    promotion: CatalogPageItemPromotion | None = None
    available: int | None = None


_CATALOG_ITEM: JsonDict = {
    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
    "sku": "JMF-0001",
    "name": "Alishan high-mountain oolong, 150 g",
    "names": {
        "en": "Alishan high-mountain oolong, 150 g",
        "zh-Hans": "阿里山高山乌龙茶 150 g",
        "zh-Hant": "阿里山高山烏龍茶 150 g",
    },
    "category": "tea",
    "unit": "tin",
    "pack_size": 12,
    "min_order_qty": 12,
    "list_price": {"amount": "42.96", "currency": "USD"},
    "tier": "gold",
    "price": {
        "quantity": 12,
        "list_unit_price": {"amount": "42.96", "currency": "USD"},
        "net_unit_price": {"amount": "32.87", "currency": "USD"},
        "discounts": [
            {
                "kind": "tier_price",
                "reason": "gold tier price",
                "unit_amount": {"amount": "6.44", "currency": "USD"},
                "source_id": None,
            },
            {
                "kind": "promotion",
                "reason": "Tea month: 10% off tea",
                "unit_amount": {"amount": "3.65", "currency": "USD"},
                "source_id": "01a24eae-cdea-7453-9abd-75b13c7e5995",
            },
        ],
    },
    "quantity_breaks": [
        {"min_quantity": 120, "net_unit_price": {"amount": "30.93", "currency": "USD"}}
    ],
    "promotion": {
        "promotion_id": "01a24eae-cdea-7453-9abd-75b13c7e5995",
        "name": "Tea month",
        "percent_off": "10",
        "ends_at": "2027-02-05T00:00:00+00:00",
    },
    "available": 3504,
}


class CatalogPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [_CATALOG_ITEM], "limit": 50, "offset": 0}]}
    )

    items: list[CatalogPageItem] | None = None
    limit: int | None = None
    offset: int | None = None


class CatalogItem(CatalogPageItem):
    """One product of the catalogue as a buyer sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CATALOG_ITEM]})


class QuoteLineOut(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    list_unit_price: Amount | None = None
    discounts: list[CatalogPageItemPriceDiscount] | None = None
    net_unit_price: Amount | None = None
    line_total: Amount | None = None


class QuoteOrderDiscount(Answer):
    """An amount off the whole order (a coupon's ``amount_off``)."""

    kind: str | None = None
    reason: str | None = None
    amount: Amount | None = None
    source_id: str | None = None


class QuoteOut(Answer):
    """A cart priced as an order placed now would be."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "tier": "gold",
                    "currency": "USD",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0001",
                            "quantity": 12,
                            "list_unit_price": {"amount": "42.96", "currency": "USD"},
                            "discounts": [
                                {
                                    "kind": "tier_price",
                                    "reason": "gold tier price",
                                    "unit_amount": {"amount": "6.44", "currency": "USD"},
                                    "source_id": None,
                                },
                                {
                                    "kind": "promotion",
                                    "reason": "Tea month: 10% off tea",
                                    "unit_amount": {"amount": "3.65", "currency": "USD"},
                                    "source_id": "01a24eae-cdea-7453-9abd-75b13c7e5995",
                                },
                                {
                                    "kind": "coupon",
                                    "reason": "coupon WELCOME10: 10% off",
                                    "unit_amount": {"amount": "3.29", "currency": "USD"},
                                    "source_id": "01a24eae-ce12-75f0-b2bb-006cafe18f0a",
                                },
                            ],
                            "net_unit_price": {"amount": "29.58", "currency": "USD"},
                            "line_total": {"amount": "354.96", "currency": "USD"},
                        },
                        {
                            "line_no": 2,
                            "sku": "JMF-0013",
                            "quantity": 20,
                            "list_unit_price": {"amount": "19.55", "currency": "USD"},
                            "discounts": [
                                {
                                    "kind": "tier_price",
                                    "reason": "gold tier price",
                                    "unit_amount": {"amount": "2.93", "currency": "USD"},
                                    "source_id": None,
                                },
                                {
                                    "kind": "coupon",
                                    "reason": "coupon WELCOME10: 10% off",
                                    "unit_amount": {"amount": "1.66", "currency": "USD"},
                                    "source_id": "01a24eae-ce12-75f0-b2bb-006cafe18f0a",
                                },
                            ],
                            "net_unit_price": {"amount": "14.96", "currency": "USD"},
                            "line_total": {"amount": "299.20", "currency": "USD"},
                        },
                    ],
                    "order_discounts": [],
                    "lines_total": {"amount": "654.16", "currency": "USD"},
                    "total": {"amount": "654.16", "currency": "USD"},
                }
            ]
        }
    )

    buyer_id: str | None = None
    supplier_id: str | None = None
    tier: str | None = None
    currency: str | None = None
    lines: list[QuoteLineOut] | None = None
    order_discounts: list[QuoteOrderDiscount] | None = None
    lines_total: Amount | None = None
    total: Amount | None = None
