"""Low-stock alerts and the replenishment requests they raised (GET /stock/alerts)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

from shared.events.envelope import Envelope
from shared.events.inventory import ReplenishmentRequested, StockLow
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection


class StockAlerts(Projection):
    name = "stock_alerts"
    sources = ("inventory",)
    event_types = ("StockLow", "ReplenishmentRequested")

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
