"""Stock levels per SKU and warehouse, and the registered warehouses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeGuard
from uuid import UUID

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, select

from shared.events.envelope import Envelope
from shared.events.inventory import (
    ReorderThresholdSet,
    StockAdjusted,
    StockBalanceChanged,
    StockLow,
    StockReceived,
    WarehouseRegistered,
)
from shared.service.projection import FoldingProjection, Projection
from shared.service.rows import Rows
from shared.service.sql import upsert
from shared.sql import Connection, Database

_Touching = StockReceived | StockAdjusted | StockBalanceChanged | ReorderThresholdSet | StockLow


def _touches(event: object) -> TypeGuard[_Touching]:
    return isinstance(event, _Touching)


class StockLevels(FoldingProjection):
    """On hand, reserved and available per SKU per warehouse (GET /stock)."""

    name = "stock_levels"
    sources = ("inventory",)
    event_types = (
        "StockReceived",
        "StockAdjusted",
        "StockBalanceChanged",
        "ReorderThresholdSet",
        "StockLow",
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.levels = Table(
            self.table_name("inventory_stock_levels"),
            metadata,
            Column("sku", String(64), primary_key=True),
            Column("warehouse_id", String(36), primary_key=True),
            Column("on_hand", Integer, nullable=False),
            Column("reserved", Integer, nullable=False),
            Column("threshold", Integer, nullable=True),
            Column("reorder_quantity", Integer, nullable=True),
            Column("low", Boolean, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        keys = {(e.event.sku, str(e.event.warehouse_id)) for e in envelopes if _touches(e.event)}
        await rows.load(self.levels, keys)

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        if not _touches(event):
            return
        key = {"sku": event.sku, "warehouse_id": str(event.warehouse_id)}
        row = await rows.get(self.levels, (event.sku, key["warehouse_id"]))
        empty = {"on_hand": 0, "reserved": 0, "threshold": None, "reorder_quantity": None}
        values: dict[str, Any] = dict(row) if row else {**key, **empty, "low": False}
        match event:
            case StockReceived(quantity=quantity):
                values["on_hand"] += quantity
            case StockAdjusted(delta=delta):
                values["on_hand"] += delta
            case StockBalanceChanged(reserved_delta=rd, on_hand_delta=od):
                values["on_hand"] += od
                values["reserved"] += rd
            case ReorderThresholdSet(threshold=threshold, reorder_quantity=quantity):
                values["threshold"], values["reorder_quantity"] = threshold, quantity
            case StockLow():
                values["low"] = True
        threshold = values["threshold"]
        if threshold is None or values["on_hand"] - values["reserved"] > threshold:
            values["low"] = False
        rows.put(self.levels, values)


class Warehouses(Projection):
    """Registered warehouses with their regions, speed and lead time (GET /warehouses)."""

    name = "warehouses"
    sources = ("inventory",)
    event_types = ("WarehouseRegistered",)

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
        t = self.warehouses
        query = select(t.c.warehouse_id).where(t.c.supplier_id == str(supplier_id))
        async with engine.connect() as conn:
            return [UUID(warehouse_id) for (warehouse_id,) in await conn.execute(query)]
