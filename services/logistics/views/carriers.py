"""Registered carriers, and the tracking URL of a shipment they carry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, MetaData, String, Table, select

from shared.events.envelope import Envelope
from shared.events.logistics import CarrierRegistered
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database

ShipmentRows = list[dict[str, Any]]


class CarrierDirectory(Projection):
    """``GET /carriers`` and the tracking URL of a shipment."""

    name = "logistics_carriers"
    sources = ("logistics",)
    event_types = (CarrierRegistered,)

    def define_tables(self, metadata: MetaData) -> None:
        self.carriers = Table(
            self.table_name("logistics_carriers"),
            metadata,
            Column("carrier_id", String(36), primary_key=True),
            Column("code", String(64), nullable=False, index=True),
            Column("name", String(1000), nullable=False),
            Column("regions_served", JSON, nullable=False),
            Column("tracking_url_template", String(1000)),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, CarrierRegistered)
        values = event.model_dump(mode="json")
        await upsert(conn, self.carriers, values, ["carrier_id"])

    async def list(self, engine: Database, carrier_id: str | None = None) -> list[dict[str, Any]]:
        query = select(self.carriers).order_by(self.carriers.c.code)
        if carrier_id is not None:
            query = query.where(self.carriers.c.carrier_id == carrier_id)
        async with engine.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    async def with_tracking_urls(self, engine: Database, rows: ShipmentRows) -> ShipmentRows:
        """``rows`` (shipments) with the tracking URL their carrier's template gives."""
        templates = {c["carrier_id"]: c["tracking_url_template"] for c in await self.list(engine)}
        for row in rows:
            template = templates.get(row.get("carrier_id"))
            number = row.get("tracking_number")
            row["tracking_url"] = (
                template.replace("{tracking_number}", number) if template and number else None
            )
        return rows
