"""GET routes of pricing's master data; cost prices and tier lists only for the supplier."""

import json
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select

from shared.events.values import Sku
from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import BUYER, OPS, SUPPLIER, TRADERS
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.shapes import money

from ..views.catalog_queries import buyer_tier, coupon, promotions, tier_terms
from .access import sees_supplier_terms, visible_buyer
from .answers import (
    CouponOut,
    CustomerPricePage,
    CustomerTierOut,
    PriceListPage,
    ProductOut,
    ProductPage,
    PromotionPage,
)
from .deps import PricingDeps


class PricingQueries:
    """Products, price lists, customer terms and offers; cost prices and tier lists only for
    the supplier."""

    def __init__(self, deps: PricingDeps) -> None:
        self.deps = deps
        self.context = deps.context
        self.catalog = deps.catalog
        self.t = deps.catalog.t

    async def rows(self, query: Any, min_position: int) -> list[dict[str, Any]]:
        await self.context.positions.wait_for(self.catalog.name, "pricing", min_position)
        async with self.context.engine.connect() as conn:
            found = [dict(r) for r in (await conn.execute(query)).mappings()]
        for row in found:
            if "names" in row:
                row["names"] = json.loads(row["names"] or "{}")
        return found

    def staff_only(self, actor: Any, supplier_id: UUID | None) -> None:
        if not sees_supplier_terms(actor, supplier_id):
            raise Problem(
                403, "Supplier terms", "only the supplier sees these", field="Authorization"
            )

    @query("/products/{sku}", roles=TRADERS, **answers(ProductOut))
    async def product(
        self,
        sku: Sku,
        actor: ActorDep,
        supplier_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> JSONResponse:
        """One product; its cost price only for its supplier and operations."""
        query = select(self.t.products).where(self.t.products.c.sku == sku)
        if supplier_id:
            query = query.where(self.t.products.c.supplier_id == str(supplier_id))
        found = await self.rows(query, min_position)
        if not found:
            raise Problem(404, "Unknown product", f"no product {sku}", field="sku")
        if len(found) > 1:
            raise Problem(422, "Ambiguous SKU", "give supplier_id", field="supplier_id")
        row = _product(found[0])
        if not sees_supplier_terms(actor, UUID(row["supplier_id"])):
            row.pop("cost_price")
        return JSONResponse(row, headers={"ETag": f'"{row["version"]}"'})

    @query("/products", roles=TRADERS, **answers(ProductPage))
    async def products(
        self, supplier_id: UUID | None = None, min_position: MinPositionDep = 0
    ) -> dict[str, Any]:
        """Products (without cost prices), e.g. of one supplier."""
        query = select(*(c for c in self.t.products.c if c.name != "cost_price"))
        if supplier_id:
            query = query.where(self.t.products.c.supplier_id == str(supplier_id))
        found = await self.rows(query.order_by(self.t.products.c.sku), min_position)
        return {"items": [_product(row) for row in found]}

    @query("/price-lists", roles=(OPS, SUPPLIER), **answers(PriceListPage))
    async def price_lists(
        self,
        actor: ActorDep,
        supplier_id: UUID,
        tier: str | None = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A supplier's tier prices, for the supplier and operations only."""
        self.staff_only(actor, supplier_id)
        query = select(self.t.tier_prices).where(
            self.t.tier_prices.c.supplier_id == str(supplier_id)
        )
        if tier:
            query = query.where(self.t.tier_prices.c.tier == tier)
        found = await self.rows(
            query.order_by(self.t.tier_prices.c.tier, self.t.tier_prices.c.sku), min_position
        )
        return {
            "items": [
                {
                    "tier": r["tier"],
                    "sku": r["sku"],
                    "currency": r["currency"],
                    "unit_price": money(r["unit_price"], r["currency"]),
                    "breaks": [
                        {"min_quantity": n, "unit_price": money(p, r["currency"])}
                        for n, p in tier_terms(r).breaks
                    ],
                }
                for r in found
            ]
        }

    @query("/customer-prices", roles=(BUYER, OPS, SUPPLIER), **answers(CustomerPricePage))
    async def customer_prices(
        self,
        actor: ActorDep,
        supplier_id: UUID,
        buyer_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """Prices agreed with buyers; a buyer sees only its own."""
        buyer = visible_buyer(actor, buyer_id)
        if actor.role != "buyer":
            self.staff_only(actor, supplier_id)
        table = self.t.customer_prices
        query = select(table).where(table.c.supplier_id == str(supplier_id))
        if buyer is not None:
            query = query.where(table.c.buyer_id == str(buyer))
        found = await self.rows(query.order_by(table.c.buyer_id, table.c.sku), min_position)
        return {
            "items": [{**r, "unit_price": money(r["unit_price"], r["currency"])} for r in found]
        }

    @query(
        "/customer-tiers/{buyer_id}",
        roles=(BUYER, OPS, SUPPLIER),
        **answers(CustomerTierOut),
    )
    async def customer_tier(
        self, buyer_id: UUID, supplier_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> dict[str, Any]:
        """The tier a buyer's prices come from with one supplier."""
        visible_buyer(actor, buyer_id)
        if actor.role == "supplier":
            self.staff_only(actor, supplier_id)
        await self.context.positions.wait_for(self.catalog.name, "pricing", min_position)
        async with self.context.engine.connect() as conn:
            tier = await buyer_tier(conn, self.t, supplier_id, buyer_id)
        return {"buyer_id": str(buyer_id), "supplier_id": str(supplier_id), "tier": tier}

    @query("/promotions", roles=TRADERS, **answers(PromotionPage))
    async def list_promotions(
        self, supplier_id: UUID, min_position: MinPositionDep = 0
    ) -> dict[str, Any]:
        """A supplier's promotions, current and past."""
        await self.context.positions.wait_for(self.catalog.name, "pricing", min_position)
        async with self.context.engine.connect() as conn:
            found = await promotions(conn, self.t, supplier_id)
        return {
            "items": [
                {
                    "promotion_id": str(p.promotion_id),
                    "name": p.name,
                    "category": p.category,
                    "percent_off": format(p.percent_off, "f"),
                    "starts_at": p.starts_at.isoformat(),
                    "ends_at": p.ends_at.isoformat(),
                }
                for p in found
            ]
        }

    @query("/coupons/{code}", roles=(OPS, SUPPLIER), **answers(CouponOut))
    async def one_coupon(
        self, code: str, supplier_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> dict[str, Any]:
        """A coupon with its redemptions, for the supplier and operations."""
        self.staff_only(actor, supplier_id)
        await self.context.positions.wait_for(self.catalog.name, "pricing", min_position)
        async with self.context.engine.connect() as conn:
            found = await coupon(conn, self.t, supplier_id, code)
        if found is None:
            raise Problem(404, "Unknown coupon", f"no coupon {code}", field="code")
        return {
            "coupon_id": str(found.coupon_id),
            "code": found.code,
            "percent_off": None if found.percent_off is None else str(found.percent_off),
            "amount_off": money(found.amount_off, found.currency),
            "currency": found.currency,
            "valid_from": found.valid_from.isoformat(),
            "valid_until": found.valid_until.isoformat(),
            "max_redemptions": found.max_redemptions,
            "redemptions": found.redemptions,
        }


def query_routes(deps: PricingDeps) -> APIRouter:
    edge = Edge("pricing", deps.context.idempotency, prefix="", tags=["pricing"])
    return edge.include(PricingQueries(deps))


def _product(row: dict[str, Any]) -> dict[str, Any]:
    """A product row with its prices as Money objects."""
    prices: dict[str, Any] = {
        k: money(row[k], row["currency"]) for k in ("list_price", "cost_price") if k in row
    }
    return {**row, **prices}
