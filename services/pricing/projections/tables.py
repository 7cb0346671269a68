"""The catalog read model's tables; money as decimal strings, times as ISO-8601 UTC strings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text


@dataclass(frozen=True)
class CatalogTables:
    products: Table
    tier_prices: Table
    customer_prices: Table
    buyers: Table
    suppliers: Table
    customer_tiers: Table
    promotions: Table
    coupons: Table
    warehouses: Table
    stock: Table


def _id(name: str) -> Column[Any]:
    return Column(name, String(64), primary_key=True)


def define(metadata: MetaData, name: str = "{}") -> CatalogTables:
    """Declare the tables; ``name`` formats each base name (a projection's suffix)."""

    def table(base: str, *columns: Column[Any]) -> Table:
        return Table(name.format(base), metadata, *columns)

    money = String(40)
    return CatalogTables(
        products=table(
            "pricing_products",
            _id("supplier_id"),
            _id("sku"),
            Column("name", Text, nullable=False),
            Column("names", Text, nullable=False),  # JSON: {"zh-Hant": ..., "en": ...}
            Column("category", String(64), nullable=False),
            Column("unit", String(64), nullable=False),
            Column("pack_size", Integer, nullable=False),
            Column("min_order_qty", Integer, nullable=False),
            Column("list_price", money, nullable=False),
            Column("currency", String(3), nullable=False),
            Column("cost_price", money),
            Column("active", Boolean, nullable=False),
            Column("version", Integer, nullable=False),
        ),
        tier_prices=table(
            "pricing_tier_prices",
            _id("supplier_id"),
            _id("tier"),
            _id("sku"),
            Column("unit_price", money, nullable=False),
            Column("currency", String(3), nullable=False),
            Column("breaks", Text, nullable=False),
        ),
        customer_prices=table(
            "pricing_customer_prices",
            _id("supplier_id"),
            _id("buyer_id"),
            _id("sku"),
            Column("unit_price", money, nullable=False),
            Column("currency", String(3), nullable=False),
        ),
        buyers=table("pricing_buyers", _id("buyer_id"), Column("tier", String(64), nullable=False)),
        suppliers=table(
            "pricing_suppliers", _id("supplier_id"), Column("currency", String(3), nullable=False)
        ),
        customer_tiers=table(
            "pricing_customer_tiers",
            _id("supplier_id"),
            _id("buyer_id"),
            Column("tier", String(64), nullable=False),
        ),
        promotions=table(
            "pricing_promotions",
            _id("promotion_id"),
            Column("supplier_id", String(64), nullable=False, index=True),
            Column("name", Text, nullable=False),
            Column("category", String(64), nullable=False),
            Column("percent_off", money, nullable=False),
            Column("starts_at", String(40), nullable=False),
            Column("ends_at", String(40), nullable=False),
        ),
        coupons=table(
            "pricing_coupons",
            _id("supplier_id"),
            _id("code"),
            Column("coupon_id", String(64), nullable=False, unique=True),
            Column("percent_off", money),
            Column("amount_off", money),
            Column("currency", String(3)),
            Column("min_order_total", money),
            Column("valid_from", String(40), nullable=False),
            Column("valid_until", String(40), nullable=False),
            Column("max_redemptions", Integer),
            Column("redemptions", Integer, nullable=False),
        ),
        warehouses=table(
            "pricing_warehouses",
            _id("warehouse_id"),
            Column("supplier_id", String(64), nullable=False, index=True),
        ),
        stock=table(
            "pricing_stock",
            _id("warehouse_id"),
            _id("sku"),
            Column("on_hand", Integer, nullable=False),
            Column("reserved", Integer, nullable=False),
        ),
    )
