"""Replay protection for inbound webhooks: a (sender, message id) belongs to one endpoint.

A Standard Webhooks retry reuses its message id: it is admitted again (the endpoint's
Idempotency-Key, derived from the id, answers it as before); the same id sent to another
endpoint is a replay and refused."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError

from shared.sql import Database

metadata = MetaData()

received_messages = Table(
    "auth_webhook_receipts",
    metadata,
    Column("sender", String(40), primary_key=True),
    Column("msg_id", String(200), primary_key=True),
    Column("route", String(300), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


class ReplayGuard:
    """Remembers where each verified message id went; elsewhere it is a replay."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine
        self._ready = False

    async def admit(self, sender: str, msg_id: str, route: str) -> bool:
        """True for a new message and for a retry to the same route; False elsewhere."""
        if not self._ready:
            await self.engine.create_all(metadata)
            self._ready = True
        row = {"sender": sender, "msg_id": msg_id[:200], "route": route[:300]}
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    received_messages.insert().values(**row, received_at=datetime.now(UTC))
                )
        except IntegrityError:
            return await self._first_route(sender, row["msg_id"]) == row["route"]
        return True

    async def _first_route(self, sender: str, msg_id: str) -> str | None:
        t = received_messages
        query = select(t.c.route).where(t.c.sender == sender, t.c.msg_id == msg_id)
        async with self.engine.connect() as conn:
            found: str | None = (await conn.execute(query)).scalar()
        return found
