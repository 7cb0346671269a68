"""What the pricing importers share: price cells and reads of the catalog read model."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select, tuple_

from shared.events.base import DecimalString
from shared.service.definition import ServiceContext

from ...views.catalog import Catalog

Price = Annotated[DecimalString, Field(ge=0, decimal_places=4)]


class CatalogReads:
    """Reads of pricing's catalog projection, once it holds every event appended so far."""

    def __init__(self, context: ServiceContext, catalog: Catalog) -> None:
        self.context = context
        self.catalog = catalog

    async def caught_up(self) -> None:
        head = await self.context.store.head_position()
        await self.context.positions.wait_for(self.catalog.name, "pricing", head, timeout=30.0)

    async def products(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """(supplier id, sku) → the product's row, for those that exist."""
        if not keys:
            return {}
        p = self.catalog.t.products
        query = select(p.c.supplier_id, p.c.sku, p.c.list_price, p.c.currency).where(
            tuple_(p.c.supplier_id, p.c.sku).in_(list(keys))
        )
        async with self.context.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return {(r["supplier_id"], r["sku"]): r for r in rows}

    async def tier_prices(
        self, keys: Collection[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], Decimal]:
        """(supplier id, tier, sku) → unit price, for the SKUs that have one in that tier."""
        if not keys:
            return {}
        t = self.catalog.t.tier_prices
        query = select(t.c.supplier_id, t.c.tier, t.c.sku, t.c.unit_price).where(
            tuple_(t.c.supplier_id, t.c.tier, t.c.sku).in_(list(keys))
        )
        async with self.context.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return {(r["supplier_id"], r["tier"], r["sku"]): Decimal(r["unit_price"]) for r in rows}
