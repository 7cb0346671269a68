"""GET /catalog: products with the buyer's own price, quantity breaks, promotion and live stock."""

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from sqlalchemy import func, or_, select

from shared.events.values import Code, Sku
from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import TRADERS
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers

from ..domain.book import PricingBook, ProductTerms
from ..domain.pricing import Quote, QuoteLine, price_lines
from ..views.catalog_queries import available_stock, pricing_book
from .access import own_supplier, visible_buyer
from .answers import CatalogItem, CatalogPage
from .deps import PricingDeps


class CatalogQueries:
    """The catalog as a buyer sees it: its own prices, quantity breaks, promotions and stock."""

    def __init__(self, deps: PricingDeps) -> None:
        self.deps = deps
        self.context = deps.context
        self.catalog = deps.catalog
        self.t = deps.catalog.t

    def products_with_stock(self) -> Any:
        stock = available_stock(self.t)
        p = self.t.products
        return (
            select(p, func.coalesce(stock.c.available, 0).label("available"))
            .outerjoin(stock, (stock.c.supplier_id == p.c.supplier_id) & (stock.c.sku == p.c.sku))
            .where(p.c.active.is_(True))
        ), stock

    async def items(
        self, rows: Sequence[Mapping[str, Any]], buyer_id: UUID | None
    ) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        books: dict[str, PricingBook] = {}
        async with self.context.engine.connect() as conn:
            for supplier in {r["supplier_id"] for r in rows}:
                skus = {r["sku"] for r in rows if r["supplier_id"] == supplier}
                books[supplier] = await pricing_book(conn, self.t, UUID(supplier), buyer_id, skus)
        return [_item(r, books[r["supplier_id"]], now) for r in rows]

    async def wait(self, min_position: int) -> None:
        await self.context.positions.wait_for(self.catalog.name, "pricing", min_position)

    @query("/catalog", roles=TRADERS, **answers(CatalogPage))
    async def browse(
        self,
        actor: ActorDep,
        min_position: MinPositionDep = 0,
        buyer_id: UUID | None = None,
        q: Annotated[str | None, Query(max_length=100)] = None,
        category: Code | None = None,
        supplier_id: UUID | None = None,
        in_stock: bool = False,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """The catalog as one buyer sees it: its prices only, never costs or other tiers."""
        buyer = visible_buyer(actor, buyer_id)
        if buyer is not None:
            supplier_id = own_supplier(actor, supplier_id)
        await self.wait(min_position)
        query, stock = self.products_with_stock()
        p = self.t.products
        if q:
            pattern = f"%{q.lower()}%"
            query = query.where(
                or_(
                    func.lower(p.c.name).like(pattern),
                    func.lower(p.c.names).like(pattern),
                    func.lower(p.c.sku).like(pattern),
                )
            )
        if category:
            query = query.where(p.c.category == category)
        if supplier_id:
            query = query.where(p.c.supplier_id == str(supplier_id))
        if in_stock:
            query = query.where(func.coalesce(stock.c.available, 0) > 0)
        query = query.order_by(p.c.name, p.c.sku, p.c.supplier_id).limit(limit).offset(offset)
        async with self.context.engine.connect() as conn:
            rows = list((await conn.execute(query)).mappings())
        return {"items": await self.items(rows, buyer), "limit": limit, "offset": offset}

    @query("/catalog/{sku}", roles=TRADERS, **answers(CatalogItem))
    async def one(
        self,
        sku: Sku,
        actor: ActorDep,
        min_position: MinPositionDep = 0,
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
    ) -> dict[str, Any]:
        """One product as the buyer sees it, with its quantity breaks."""
        buyer = visible_buyer(actor, buyer_id)
        if buyer is not None:
            supplier_id = own_supplier(actor, supplier_id)
        await self.wait(min_position)
        query, _ = self.products_with_stock()
        query = query.where(self.t.products.c.sku == sku)
        if supplier_id:
            query = query.where(self.t.products.c.supplier_id == str(supplier_id))
        async with self.context.engine.connect() as conn:
            rows = list((await conn.execute(query)).mappings())
        if not rows:
            raise Problem(404, "Unknown product", f"no product {sku} in the catalog", field="sku")
        if len(rows) > 1:
            raise Problem(
                422,
                "Ambiguous SKU",
                "several suppliers sell it; give supplier_id",
                field="supplier_id",
            )
        return (await self.items(rows, buyer))[0]


def catalog_routes(deps: PricingDeps) -> APIRouter:
    edge = Edge("pricing", deps.context.idempotency, prefix="", tags=["pricing"])
    return edge.include(CatalogQueries(deps))


def _first_valid(product: ProductTerms, at_least: int) -> int:
    quantity = max(at_least, product.min_order_qty)
    return -(-quantity // product.pack_size) * product.pack_size


def _item(row: Mapping[str, Any], book: PricingBook, now: datetime) -> dict[str, Any]:
    product = book.products[row["sku"]]
    quantity = _first_valid(product, 1)
    priced = price_lines(book, [QuoteLine(1, product.sku, quantity)], None, now)
    price = None
    breaks = []
    if isinstance(priced, Quote):
        line = priced.lines[0]
        price = {
            "quantity": quantity,
            "list_unit_price": line.list_unit_price.model_dump(mode="json"),
            "net_unit_price": line.net_unit_price.model_dump(mode="json"),
            "discounts": [d.model_dump(mode="json") for d in line.discounts],
        }
        tier = book.tier_prices.get(product.sku)
        if tier is not None and product.sku not in book.customer_prices:
            for minimum, _ in sorted(tier.breaks):
                at = _first_valid(product, minimum)
                found = price_lines(book, [QuoteLine(1, product.sku, at)], None, now)
                if isinstance(found, Quote):
                    breaks.append(
                        {
                            "min_quantity": minimum,
                            "net_unit_price": found.lines[0].net_unit_price.model_dump(mode="json"),
                        }
                    )
    promotions = [p for p in book.promotions if p.category == product.category and p.active_at(now)]
    promotion = max(promotions, key=lambda p: p.percent_off, default=None)
    return {
        "supplier_id": row["supplier_id"],
        "sku": row["sku"],
        "name": row["name"],
        "names": json.loads(row["names"] or "{}"),
        "category": row["category"],
        "unit": row["unit"],
        "pack_size": row["pack_size"],
        "min_order_qty": row["min_order_qty"],
        "list_price": {"amount": row["list_price"], "currency": row["currency"]},
        "tier": book.tier,
        "price": price,
        "quantity_breaks": breaks,
        "promotion": None
        if promotion is None
        else {
            "promotion_id": str(promotion.promotion_id),
            "name": promotion.name,
            "percent_off": format(promotion.percent_off, "f"),
            "ends_at": promotion.ends_at.isoformat(),
        },
        "available": max(int(row["available"]), 0),
    }
