"""Stock levels per SKU and warehouse: on hand, reserved, available, reorder rule (GET /stock)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeGuard

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, select, tuple_

from shared.events.envelope import Envelope
from shared.events.inventory import (
    ReorderThresholdSet,
    StockAdjusted,
    StockBalanceChanged,
    StockLow,
    StockReceived,
)
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.sql import Database

_Touching = StockReceived | StockAdjusted | StockBalanceChanged | ReorderThresholdSet | StockLow


def _touches(event: object) -> TypeGuard[_Touching]:
    return isinstance(event, _Touching)


class StockLevels(FoldingProjection):
    """On hand, reserved and available per SKU per warehouse (GET /stock)."""

    name = "stock_levels"
    version = 2  # on_hand and reserved widened to 64 bits
    sources = ("inventory",)
    event_types = (
        StockReceived,
        StockAdjusted,
        StockBalanceChanged,
        ReorderThresholdSet,
        StockLow,
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.levels = Table(
            self.table_name("inventory_stock_levels"),
            metadata,
            Column("sku", String(64), primary_key=True),
            Column("warehouse_id", String(36), primary_key=True),
            # Sums of deltas: each is bounded, a long history of them is not (int32 would
            # overflow on PostgreSQL long before any real stock does).
            Column("on_hand", BigInteger, nullable=False),
            Column("reserved", BigInteger, nullable=False),
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

    async def find(
        self, engine: Database, *, sku: str | None = None, warehouse_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Levels by SKU, then warehouse (one SKU's, one warehouse's, if given)."""
        t = self.levels
        query = select(t).order_by(t.c.sku, t.c.warehouse_id)
        if sku is not None:
            query = query.where(t.c.sku == sku)
        if warehouse_id is not None:
            query = query.where(t.c.warehouse_id == warehouse_id)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_level(row) for row in rows]

    async def reserved(
        self, engine: Database, keys: set[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """Units reserved per (SKU, warehouse id) of ``keys``."""
        if not keys:
            return {}
        t = self.levels
        query = select(t.c.sku, t.c.warehouse_id, t.c.reserved).where(
            tuple_(t.c.sku, t.c.warehouse_id).in_(list(keys))
        )
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {(r[0], r[1]): int(r[2]) for r in rows}


def _level(row: Any) -> dict[str, Any]:
    return {
        "sku": row.sku,
        "warehouse_id": row.warehouse_id,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "available": row.on_hand - row.reserved,
        "threshold": row.threshold,
        "reorder_quantity": row.reorder_quantity,
        "low": row.low,
    }
