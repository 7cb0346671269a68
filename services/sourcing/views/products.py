"""Sourcing's copy of pricing's catalog: what a quoted SKU must respect (pack size, minimum,
still sold) and its list price, against which an award's savings are measured."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, select

from shared.events import pricing
from shared.events.base import Money
from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.sql import Database

from ..domain.commands import Catalog, ProductFacts


class SourcingProducts(FoldingProjection):
    """Each supplier's SKUs with their rules and list price."""

    name = "sourcing_products"
    version = 1
    sources = ("pricing",)
    event_types = (pricing.ProductRegistered, pricing.ProductUpdated)

    def define_tables(self, metadata: MetaData) -> None:
        self.products = Table(
            self.table_name("sourcing_products"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("sku", String(64), primary_key=True),
            Column("pack_size", Integer, nullable=False),
            Column("min_order_qty", Integer, nullable=False),
            Column("list_price", Text, nullable=False),
            Column("currency", String(3), nullable=False),
            Column("active", Boolean, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        keys = [(str(e.event.supplier_id), e.event.sku) for e in envelopes]  # type: ignore[attr-defined]
        await rows.load(self.products, keys)

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        if not isinstance(event, pricing.ProductRegistered | pricing.ProductUpdated):
            return
        rows.put(
            self.products,
            {
                "supplier_id": str(event.supplier_id),
                "sku": event.sku,
                "pack_size": event.pack_size,
                "min_order_qty": event.min_order_qty,
                "list_price": format(event.list_price.amount, "f"),
                "currency": event.list_price.currency,
                "active": event.active if isinstance(event, pricing.ProductUpdated) else True,
            },
        )

    async def catalog(self, engine: Database, supplier_id: UUID, skus: Iterable[str]) -> Catalog:
        """The given SKUs of one supplier's catalog (unknown SKUs are absent)."""
        table = self.products
        query = select(table).where(
            table.c.supplier_id == str(supplier_id), table.c.sku.in_(sorted(set(skus)))
        )
        async with engine.connect() as conn:
            found = (await conn.execute(query)).mappings().all()
        return {
            row["sku"]: ProductFacts(
                pack_size=row["pack_size"],
                min_order_qty=row["min_order_qty"],
                list_price=Money(amount=Decimal(row["list_price"]), currency=row["currency"]),
                active=bool(row["active"]),
            )
            for row in found
        }
