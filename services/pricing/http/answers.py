"""What the pricing service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class ProductPageItem(Answer):
    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, Any] | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: str | None = None
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
                            "list_price": "42.96",
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "sku": "JMF-0013",
                    "name": "Pineapple cakes, box of 6",
                    "names": {
                        "en": "Pineapple cakes, box of 6",
                        "zh-Hans": "凤梨酥礼盒 6 个",
                        "zh-Hant": "土鳳梨酥禮盒 6 入",
                    },
                    "category": "snacks",
                    "unit": "box",
                    "pack_size": 10,
                    "min_order_qty": 20,
                    "list_price": "19.55",
                    "currency": "USD",
                    "cost_price": "12.12",
                    "active": True,
                    "version": 1,
                }
            ]
        }
    )

    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, Any] | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: str | None = None
    currency: str | None = None
    cost_price: str | None = None
    active: bool | None = None
    version: int | None = None


class PriceListPageItemBreak(Answer):
    min_quantity: int | None = None
    unit_price: str | None = None


class PriceListPageItem(Answer):
    tier: str | None = None
    sku: str | None = None
    currency: str | None = None
    unit_price: str | None = None
    breaks: list[PriceListPageItemBreak] | None = None


class PriceListPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "tier": "bronze",
                            "sku": "JMF-0001",
                            "currency": "USD",
                            "unit_price": "41.67",
                            "breaks": [{"min_quantity": 120, "unit_price": "39.52"}],
                        }
                    ]
                }
            ]
        }
    )

    items: list[PriceListPageItem] | None = None


class CustomerPricePageItem(Answer):
    supplier_id: str | None = None
    buyer_id: str | None = None
    sku: str | None = None
    unit_price: str | None = None
    currency: str | None = None


class CustomerPricePage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                            "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                            "sku": "JMF-0002",
                            "unit_price": "19.56",
                            "currency": "USD",
                        }
                    ]
                }
            ]
        }
    )

    items: list[CustomerPricePageItem] | None = None


class PromotionPageItem(Answer):
    promotion_id: str | None = None
    name: str | None = None
    category: str | None = None
    percent_off: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None


class PromotionPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "promotion_id": "01a24e92-08f8-744f-bc51-99b20717b6f1",
                            "name": "Tea month",
                            "category": "tea",
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "tier": "gold",
                }
            ]
        }
    )

    buyer_id: str | None = None
    supplier_id: str | None = None
    tier: str | None = None


class CouponOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "coupon_id": "01a24e92-0928-7086-a0a2-0eb6554310fa",
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
    amount_off: Any = None
    currency: Any = None
    valid_from: str | None = None
    valid_until: str | None = None
    max_redemptions: Any = None
    redemptions: int | None = None


class CatalogPageItemPriceDiscount(Answer):
    kind: str | None = None
    reason: str | None = None
    unit_amount: Amount | None = None
    source_id: str | None = None


class CatalogPageItemPrice(Answer):
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
    ends_at: str | None = None


class CatalogPageItem(Answer):
    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, Any] | None = None
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


class CatalogPage(Answer):
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
                                    }
                                ],
                            },
                            "quantity_breaks": [
                                {
                                    "min_quantity": 120,
                                    "net_unit_price": {"amount": "30.93", "currency": "USD"},
                                }
                            ],
                            "promotion": {
                                "promotion_id": "01a24e92-08f8-744f-bc51-99b20717b6f1",
                                "name": "Tea month",
                                "percent_off": "10",
                                "ends_at": "2027-02-05T00:00:00+00:00",
                            },
                            "available": 3276,
                        }
                    ],
                    "limit": 50,
                    "offset": 0,
                }
            ]
        }
    )

    items: list[CatalogPageItem] | None = None
    limit: int | None = None
    offset: int | None = None


class CatalogItemPriceDiscount(Answer):
    kind: str | None = None
    reason: str | None = None
    unit_amount: Amount | None = None
    source_id: Any = None


class CatalogItemPrice(Answer):
    quantity: int | None = None
    list_unit_price: Amount | None = None
    net_unit_price: Amount | None = None
    discounts: list[CatalogItemPriceDiscount] | None = None


class CatalogItem(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "sku": "JMF-0013",
                    "name": "Pineapple cakes, box of 6",
                    "names": {
                        "en": "Pineapple cakes, box of 6",
                        "zh-Hans": "凤梨酥礼盒 6 个",
                        "zh-Hant": "土鳳梨酥禮盒 6 入",
                    },
                    "category": "snacks",
                    "unit": "box",
                    "pack_size": 10,
                    "min_order_qty": 20,
                    "list_price": {"amount": "19.55", "currency": "USD"},
                    "tier": "gold",
                    "price": {
                        "quantity": 20,
                        "list_unit_price": {"amount": "19.55", "currency": "USD"},
                        "net_unit_price": {"amount": "16.62", "currency": "USD"},
                        "discounts": [
                            {
                                "kind": "tier_price",
                                "reason": "gold tier price",
                                "unit_amount": {"amount": "2.93", "currency": "USD"},
                                "source_id": None,
                            }
                        ],
                    },
                    "quantity_breaks": [
                        {
                            "min_quantity": 200,
                            "net_unit_price": {"amount": "15.64", "currency": "USD"},
                        }
                    ],
                    "promotion": None,
                    "available": 2710,
                }
            ]
        }
    )

    supplier_id: str | None = None
    sku: str | None = None
    name: str | None = None
    names: dict[str, Any] | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: Amount | None = None
    tier: str | None = None
    price: CatalogItemPrice | None = None
    quantity_breaks: list[CatalogPageItemQuantityBreak] | None = None
    promotion: Any = None
    available: int | None = None


class QuoteLineOut(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    list_unit_price: Amount | None = None
    discounts: list[dict[str, Any]] | None = None
    net_unit_price: Amount | None = None
    line_total: Amount | None = None


class QuoteOut(Answer):
    """A cart priced as an order placed now would be."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "buyer_id": "bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "tier": "gold",
                    "currency": "USD",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0019",
                            "quantity": 36,
                            "list_unit_price": {"amount": "3.45", "currency": "USD"},
                            "discounts": [],
                            "net_unit_price": {"amount": "2.93", "currency": "USD"},
                            "line_total": {"amount": "105.48", "currency": "USD"},
                        }
                    ],
                    "order_discounts": [],
                    "lines_total": {"amount": "105.48", "currency": "USD"},
                    "total": {"amount": "105.48", "currency": "USD"},
                }
            ]
        }
    )

    buyer_id: str | None = None
    supplier_id: str | None = None
    tier: str | None = None
    currency: str | None = None
    lines: list[QuoteLineOut] | None = None
    order_discounts: list[dict[str, Any]] | None = None
    lines_total: Amount | None = None
    total: Amount | None = None
