"""Reads of the catalog view: a buyer's pricing book, tiers, promotions, coupons and stock."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, select

from services.pricing.domain.book import (
    DEFAULT_TIER,
    CouponTerms,
    CustomerPrice,
    PricingBook,
    ProductTerms,
    PromotionTerms,
    TierTerms,
    coupon_key,
)
from shared.sql import Connection

from .catalog import CatalogTables


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class _Statements:
    """The catalog's reads, built once (an order is priced from them on every placement)."""

    assigned_tier: Any
    starting_tier: Any
    currency: Any
    promotions: Any
    coupon: Any
    # Of one supplier: all its rows, or those of the skus bound as ``skus``.
    products: tuple[Any, Any]
    tier_prices: tuple[Any, Any]
    customer_prices: tuple[Any, Any]


@cache
def _statements(t: CatalogTables) -> _Statements:
    supplier: Any = bindparam("supplier")

    def of_supplier(table: Any, *more: Any) -> tuple[Any, Any]:
        every = select(table).where(table.c.supplier_id == supplier, *more)
        return every, every.where(table.c.sku.in_(bindparam("skus", expanding=True)))

    return _Statements(
        assigned_tier=select(t.customer_tiers.c.tier).where(
            t.customer_tiers.c.supplier_id == supplier,
            t.customer_tiers.c.buyer_id == bindparam("buyer"),
        ),
        starting_tier=select(t.buyers.c.tier).where(t.buyers.c.buyer_id == bindparam("buyer")),
        currency=select(t.suppliers.c.currency).where(t.suppliers.c.supplier_id == supplier),
        promotions=select(t.promotions).where(t.promotions.c.supplier_id == supplier),
        coupon=select(t.coupons).where(
            t.coupons.c.supplier_id == supplier, t.coupons.c.code == bindparam("code")
        ),
        products=of_supplier(t.products),
        tier_prices=of_supplier(t.tier_prices, t.tier_prices.c.tier == bindparam("tier")),
        customer_prices=of_supplier(
            t.customer_prices, t.customer_prices.c.buyer_id == bindparam("buyer")
        ),
    )


async def buyer_tier(conn: Connection, t: CatalogTables, supplier_id: UUID, buyer_id: UUID) -> str:
    """The tier the supplier assigned, else the buyer's starting tier, else the default tier."""
    made = _statements(t)
    keys = {"supplier": str(supplier_id), "buyer": str(buyer_id)}
    assigned = await conn.scalar(made.assigned_tier, keys)
    if assigned is not None:
        return str(assigned)
    registered = await conn.scalar(made.starting_tier, {"buyer": str(buyer_id)})
    return DEFAULT_TIER if registered is None else str(registered)


def product_terms(row: Mapping[str, Any]) -> ProductTerms:
    return ProductTerms(
        sku=row["sku"],
        name=row["name"],
        category=row["category"],
        pack_size=row["pack_size"],
        min_order_qty=row["min_order_qty"],
        list_price=Decimal(row["list_price"]),
        currency=row["currency"],
        active=row["active"],
    )


def tier_terms(row: Mapping[str, Any]) -> TierTerms:
    breaks = tuple((int(n), Decimal(p)) for n, p in json.loads(row["breaks"]))
    return TierTerms(Decimal(row["unit_price"]), row["currency"], breaks)


async def promotions(
    conn: Connection, t: CatalogTables, supplier_id: UUID
) -> tuple[PromotionTerms, ...]:
    found = await conn.execute(_statements(t).promotions, {"supplier": str(supplier_id)})
    rows = found.mappings()
    return tuple(
        PromotionTerms(
            promotion_id=UUID(r["promotion_id"]),
            name=r["name"],
            category=r["category"],
            percent_off=Decimal(r["percent_off"]),
            starts_at=datetime.fromisoformat(r["starts_at"]),
            ends_at=datetime.fromisoformat(r["ends_at"]),
        )
        for r in rows
    )


async def coupon(
    conn: Connection, t: CatalogTables, supplier_id: UUID, code: str
) -> CouponTerms | None:
    keys = {"supplier": str(supplier_id), "code": coupon_key(code)}
    row = (await conn.execute(_statements(t).coupon, keys)).mappings().first()
    if row is None:
        return None
    return CouponTerms(
        coupon_id=UUID(row["coupon_id"]),
        code=row["code"],
        valid_from=datetime.fromisoformat(row["valid_from"]),
        valid_until=datetime.fromisoformat(row["valid_until"]),
        percent_off=_decimal(row["percent_off"]),
        amount_off=_decimal(row["amount_off"]),
        currency=row["currency"],
        min_order_total=_decimal(row["min_order_total"]),
        max_redemptions=row["max_redemptions"],
        redemptions=row["redemptions"],
    )


async def pricing_book(
    conn: Connection,
    t: CatalogTables,
    supplier_id: UUID,
    buyer_id: UUID | None,
    skus: Collection[str] | None = None,
    coupon_code: str | None = None,
) -> PricingBook:
    """The terms that price ``skus`` (all of the supplier's when None) for one buyer."""
    made = _statements(t)
    tier = DEFAULT_TIER if buyer_id is None else await buyer_tier(conn, t, supplier_id, buyer_id)
    which = 0 if skus is None else 1
    keys: dict[str, Any] = {"supplier": str(supplier_id), "tier": tier}
    keys.update(buyer=None if buyer_id is None else str(buyer_id), skus=list(skus or ()))
    products = (await conn.execute(made.products[which], keys)).mappings()
    tiers = await conn.execute(made.tier_prices[which], keys)
    customer: dict[str, CustomerPrice] = {}
    if buyer_id is not None:
        rows = await conn.execute(made.customer_prices[which], keys)
        customer = {
            r["sku"]: CustomerPrice(Decimal(r["unit_price"]), r["currency"])
            for r in rows.mappings()
        }
    found = None if coupon_code is None else await coupon(conn, t, supplier_id, coupon_code)
    return PricingBook(
        tier=tier,
        currency=await conn.scalar(made.currency, keys),
        products={r["sku"]: product_terms(r) for r in products},
        tier_prices={r["sku"]: tier_terms(r) for r in tiers.mappings()},
        customer_prices=customer,
        promotions=await promotions(conn, t, supplier_id),
        coupons={} if found is None else {found.code: found},
    )


def available_stock(t: CatalogTables) -> Any:
    """Per (supplier, sku): on hand less reserved, summed over the supplier's warehouses."""
    s, w = t.stock, t.warehouses
    return (
        select(
            w.c.supplier_id,
            s.c.sku,
            func.sum(s.c.on_hand - s.c.reserved).label("available"),
        )
        .join(w, w.c.warehouse_id == s.c.warehouse_id)
        .group_by(w.c.supplier_id, s.c.sku)
        .subquery()
    )
