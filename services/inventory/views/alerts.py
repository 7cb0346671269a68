"""Low-stock alerts and the replenishment requests they raised (GET /stock/alerts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, select

from shared.events.envelope import Envelope
from shared.events.inventory import ReplenishmentRequested, StockLow
from shared.service.projection import Projection
from shared.service.shapes import instant
from shared.service.sql import upsert
from shared.sql import Connection, Database


class StockAlerts(Projection):
    name = "stock_alerts"
    sources = ("inventory",)
    event_types = (StockLow, ReplenishmentRequested)

    def define_tables(self, metadata: MetaData) -> None:
        self.alerts = Table(
            self.table_name("inventory_stock_alerts"),
            metadata,
            Column("alert_id", String(36), primary_key=True),
            Column("sku", String(64), nullable=False, index=True),
            Column("warehouse_id", String(36), nullable=False),
            Column("available", Integer, nullable=False),
            Column("threshold", Integer, nullable=False),
            Column("raised_at", DateTime(timezone=True), nullable=False),
            Column("position", Integer, nullable=False),
        )
        self.requests = Table(
            self.table_name("inventory_replenishment_requests"),
            metadata,
            Column("request_id", String(36), primary_key=True),
            Column("sku", String(64), nullable=False, index=True),
            Column("warehouse_id", String(36), nullable=False),
            Column("quantity", Integer, nullable=False),
            Column("reason", String(32), nullable=False),
            Column("requested_at", DateTime(timezone=True), nullable=False),
            Column("position", Integer, nullable=False),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, StockLow):
            values = {
                "alert_id": str(envelope.event_id),
                "sku": event.sku,
                "warehouse_id": str(event.warehouse_id),
                "available": event.available,
                "threshold": event.threshold,
                "raised_at": envelope.occurred_at,
                "position": envelope.position,
            }
            await upsert(conn, self.alerts, values, key=("alert_id",))
        elif isinstance(event, ReplenishmentRequested):
            values = {
                "request_id": str(event.request_id),
                "sku": event.sku,
                "warehouse_id": str(event.warehouse_id),
                "quantity": event.quantity,
                "reason": event.reason.value,
                "requested_at": envelope.occurred_at,
                "position": envelope.position,
            }
            await upsert(conn, self.requests, values, key=("request_id",))

    async def find(self, engine: Database, sku: str | None, within: Any = None) -> dict[str, Any]:
        """Alerts and replenishment requests, newest first: of one SKU, if given, and of the
        warehouses ``within`` (a list of ids or a subquery), if given."""
        a, r = self.alerts, self.requests
        qa = select(a).order_by(a.c.position.desc())
        qr = select(r).order_by(r.c.position.desc())
        if sku is not None:
            qa, qr = qa.where(a.c.sku == sku), qr.where(r.c.sku == sku)
        if within is not None:
            qa, qr = qa.where(a.c.warehouse_id.in_(within)), qr.where(r.c.warehouse_id.in_(within))
        async with engine.connect() as conn:
            found = (await conn.execute(qa)).mappings().all()
            requests = (await conn.execute(qr)).mappings().all()
        return {
            "alerts": [{**row, "raised_at": instant(row["raised_at"])} for row in found],
            "replenishment_requests": [
                {**row, "requested_at": instant(row["requested_at"])} for row in requests
            ],
        }
