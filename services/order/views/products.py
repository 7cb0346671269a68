"""The order service's copy of pricing's catalog: what placing an order must respect."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, bindparam, select

from services.order.domain.commands import ProductRules
from shared.events import pricing
from shared.events.envelope import Envelope
from shared.events.pricing import ProductRegistered, ProductUpdated
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class OrderableProducts(Projection):
    """SKU, supplier, category, pack size, minimum order quantity and whether it is still
    sold."""

    name = "order_products"
    version = 2  # 2: the category (spending rules by category)
    sources = ("pricing",)
    event_types = (pricing.ProductRegistered, pricing.ProductUpdated)

    def define_tables(self, metadata: MetaData) -> None:
        self.products = Table(
            self.table_name("order_products"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("sku", String(64), primary_key=True),
            Column("name", String(1000), nullable=False),
            Column("category", String(64), nullable=False, server_default=""),
            Column("pack_size", Integer, nullable=False),
            Column("min_order_qty", Integer, nullable=False),
            Column("active", Boolean, nullable=False),
        )
        table = self.products
        of_supplier = (
            table.c.supplier_id == bindparam("supplier_id"),
            table.c.sku.in_(bindparam("skus", expanding=True)),
        )
        # Built once: placing an order asks on every request.
        self._rules = select(
            table.c.sku, table.c.pack_size, table.c.min_order_qty, table.c.active
        ).where(*of_supplier)
        self._categories = select(table.c.category).where(*of_supplier)

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        if not isinstance(event, ProductRegistered | ProductUpdated):
            return
        active = event.active if isinstance(event, ProductUpdated) else True
        row = {
            "supplier_id": str(event.supplier_id),
            "sku": event.sku,
            "name": event.name,
            "category": event.category,
            "pack_size": event.pack_size,
            "min_order_qty": event.min_order_qty,
            "active": active,
        }
        await upsert(conn, self.products, row, key=("supplier_id", "sku"))

    async def rules_for(
        self, engine: Database, supplier_id: UUID, skus: Iterable[str]
    ) -> Mapping[str, ProductRules]:
        """The rules of the given SKUs in one supplier's catalog (unknown SKUs are absent)."""
        wanted = {"supplier_id": str(supplier_id), "skus": list(skus)}
        async with engine.connect() as conn:
            rows = (await conn.execute(self._rules, wanted)).all()
        return {
            sku: ProductRules(pack_size, min_order_qty, bool(active))
            for sku, pack_size, min_order_qty, active in rows
        }

    async def categories_of(
        self, engine: Database, supplier_id: UUID, skus: Iterable[str]
    ) -> frozenset[str]:
        """The categories the given SKUs of one supplier's catalog belong to."""
        wanted = {"supplier_id": str(supplier_id), "skus": list(skus)}
        async with engine.connect() as conn:
            rows = (await conn.execute(self._categories, wanted)).all()
        return frozenset(row[0] for row in rows if row[0])
