"""Every change of on-hand or reserved stock, one row per SKU, warehouse and event (exports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

from shared.events.envelope import Envelope
from shared.events.inventory import StockAdjusted, StockBalanceChanged, StockReceived
from shared.service.projection import Projection
from shared.service.sql import upsert_statement
from shared.sql import Connection


class StockMovements(Projection):
    """Receipts, adjustments and the per-SKU side of reservations, releases and shipments."""

    name = "stock_movements"
    sources = ("inventory",)
    event_types = (StockReceived, StockAdjusted, StockBalanceChanged)

    def define_tables(self, metadata: MetaData) -> None:
        self.movements = Table(
            self.table_name("inventory_stock_movements"),
            metadata,
            Column("position", BigInteger, primary_key=True),
            Column("at", String(40), nullable=False, index=True),
            Column("warehouse_id", String(36), nullable=False, index=True),
            Column("sku", String(64), nullable=False),
            Column("movement", String(32), nullable=False),
            Column("on_hand_delta", Integer, nullable=False),
            Column("reserved_delta", Integer, nullable=False),
            Column("order_id", String(36)),
            Column("reference", Text),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        await self.apply_batch(conn, [envelope])

    async def apply_batch(self, conn: Connection, envelopes: Sequence[Envelope]) -> None:
        rows = [row for e in envelopes if (row := _row(e)) is not None]
        if rows:  # keyed by position: an event folded again writes the same row
            statement = upsert_statement(
                self.movements, conn.dialect.name, list(rows[0]), key=("position",)
            )
            await conn.execute(statement, rows)


def _row(envelope: Envelope) -> dict[str, Any] | None:
    event = envelope.event
    base = {
        "position": envelope.position,
        "at": envelope.occurred_at.isoformat(),
        "order_id": None,
        "reference": None,
        "reserved_delta": 0,
    }
    match event:
        case StockReceived():
            return {
                **base,
                "warehouse_id": str(event.warehouse_id),
                "sku": event.sku,
                "movement": "received",
                "on_hand_delta": event.quantity,
                "reference": event.reference,
            }
        case StockAdjusted():
            return {
                **base,
                "warehouse_id": str(event.warehouse_id),
                "sku": event.sku,
                "movement": f"adjusted:{event.reason.value}",
                "on_hand_delta": event.delta,
                "reference": event.note,
            }
        case StockBalanceChanged():
            return {
                **base,
                "warehouse_id": str(event.warehouse_id),
                "sku": event.sku,
                "movement": event.cause.value,
                "on_hand_delta": event.on_hand_delta,
                "reserved_delta": event.reserved_delta,
                "order_id": str(event.order_id),
            }
    return None
