"""Registered warehouses with their regions, speed and lead time (GET /warehouses)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Integer, MetaData, Select, String, Table, Text, select

from shared.events.envelope import Envelope
from shared.events.inventory import WarehouseRegistered
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class Warehouses(Projection):
    """Registered warehouses with their regions, speed and lead time (GET /warehouses)."""

    name = "warehouses"
    sources = ("inventory",)
    event_types = (WarehouseRegistered,)

    def define_tables(self, metadata: MetaData) -> None:
        self.warehouses = Table(
            self.table_name("inventory_warehouses"),
            metadata,
            Column("warehouse_id", String(36), primary_key=True),
            Column("supplier_id", String(36), nullable=False, index=True),
            Column("name", Text, nullable=False),
            Column("regions_served", Text, nullable=False),
            Column("speed_rank", Integer, nullable=False),
            Column("lead_time_days", Integer, nullable=False),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, WarehouseRegistered):
            values = {
                "warehouse_id": str(event.warehouse_id),
                "supplier_id": str(event.supplier_id),
                "name": event.name,
                "regions_served": json.dumps(list(event.regions_served)),
                "speed_rank": event.speed_rank,
                "lead_time_days": event.lead_time_days,
            }
            await upsert(conn, self.warehouses, values, key=("warehouse_id",))

    async def of_supplier(self, engine: Database, supplier_id: UUID) -> list[UUID]:
        """The ids of a supplier's registered warehouses."""
        async with engine.connect() as conn:
            found = await conn.execute(self.ids_of(str(supplier_id)))
            return [UUID(warehouse_id) for (warehouse_id,) in found]

    def ids_of(self, supplier_id: str) -> Select[Any]:
        """The ids of a supplier's warehouses, as a subquery for other read models' queries."""
        t = self.warehouses
        return select(t.c.warehouse_id).where(t.c.supplier_id == supplier_id)

    async def listed(self, engine: Database, supplier_id: str | None) -> list[dict[str, Any]]:
        """Warehouses (a supplier's only, if given), fastest first, then by name."""
        t = self.warehouses
        query = select(t).order_by(t.c.speed_rank, t.c.name)
        if supplier_id is not None:
            query = query.where(t.c.supplier_id == supplier_id)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [{**row, "regions_served": json.loads(row["regions_served"])} for row in rows]

    async def owners(self, engine: Database) -> dict[str, str]:
        """Every warehouse's supplier, by warehouse id."""
        t = self.warehouses
        async with engine.connect() as conn:
            rows = (await conn.execute(select(t.c.warehouse_id, t.c.supplier_id))).all()
        return {str(r[0]): str(r[1]) for r in rows}
