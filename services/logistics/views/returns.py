"""Returns: what was authorised back to which warehouse, and what arrived in which condition."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, MetaData, String, Table, select, update

from shared.events.envelope import Envelope
from shared.events.logistics import ReturnAuthorized, ReturnReceived
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class ReturnLog(Projection):
    """``GET /returns`` and ``/returns/{id}``."""

    name = "logistics_returns"
    sources = ("logistics",)
    event_types = (ReturnAuthorized, ReturnReceived)

    def define_tables(self, metadata: MetaData) -> None:
        self.returns = Table(
            self.table_name("logistics_returns"),
            metadata,
            Column("return_id", String(36), primary_key=True),
            Column("order_id", String(36), nullable=False, index=True),
            Column("shipment_id", String(36), nullable=False),
            Column("warehouse_id", String(36), nullable=False, index=True),
            Column("lines", JSON, nullable=False),
            Column("remedy", String(32), nullable=False),
            Column("status", String(32), nullable=False),
            Column("authorized_at", String(40), nullable=False),
            Column("received_lines", JSON),
            Column("received_at", String(40)),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        at = envelope.occurred_at.isoformat()
        if isinstance(event, ReturnAuthorized):
            data = event.model_dump(mode="json")
            values = {**data, "status": "authorized", "authorized_at": at}
            await upsert(conn, self.returns, values, ["return_id"])
        elif isinstance(event, ReturnReceived):
            lines = event.model_dump(mode="json")["lines"]
            await conn.execute(
                update(self.returns)
                .where(self.returns.c.return_id == str(event.return_id))
                .values(status="received", received_lines=lines, received_at=at)
            )

    async def search(self, engine: Database, **filters: str | None) -> list[dict[str, Any]]:
        query = select(self.returns).order_by(self.returns.c.authorized_at)
        for column, value in filters.items():
            if value is not None:
                query = query.where(self.returns.c[column] == value)
        async with engine.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    async def order_of(self, engine: Database, return_id: str) -> str | None:
        """The order a return belongs to, if the read model holds it."""
        t = self.returns
        async with engine.connect() as conn:
            found = await conn.execute(select(t.c.order_id).where(t.c.return_id == return_id))
            order_id: str | None = found.scalar_one_or_none()
        return order_id
