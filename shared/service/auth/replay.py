"""Replay protection for inbound webhooks: each (sender, message id) is accepted once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

metadata = MetaData()

seen_messages = Table(
    "auth_webhook_messages",
    metadata,
    Column("sender", String(40), primary_key=True),
    Column("msg_id", String(200), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


class ReplayGuard:
    """Remembers verified message ids; a second delivery of one is a replay."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._ready = False

    async def first_time(self, sender: str, msg_id: str) -> bool:
        if not self._ready:
            async with self.engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            self._ready = True
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    seen_messages.insert().values(
                        sender=sender, msg_id=msg_id[:200], received_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            return False
        return True
