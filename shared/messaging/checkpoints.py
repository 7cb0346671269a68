"""Durable per-consumer positions, stored in the consumer's own database.

A consumer saves its position inside the transaction that stores its effect, or right after the
effect is stored when the effect is an idempotent append (redelivery then changes nothing).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.service.sql import upsert

metadata = MetaData()

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("consumer", String(200), primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


class CheckpointStore:
    """Positions of the consumers that live in one database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def load(self, consumer: str, source: str) -> int:
        async with self.engine.connect() as conn:
            return await self.load_in(conn, consumer, source)

    @staticmethod
    async def load_in(conn: AsyncConnection, consumer: str, source: str) -> int:
        query = select(checkpoints.c.position).where(
            checkpoints.c.consumer == consumer, checkpoints.c.source == source
        )
        position = (await conn.execute(query)).scalar_one_or_none()
        return int(position or 0)

    @staticmethod
    async def save_in(conn: AsyncConnection, consumer: str, source: str, position: int) -> None:
        """Save inside the caller's transaction, so the effect and the position commit together."""
        await upsert(
            conn,
            checkpoints,
            {"consumer": consumer, "source": source, "position": position},
            key=("consumer", "source"),
        )

    async def save(self, consumer: str, source: str, position: int) -> None:
        async with self.engine.begin() as conn:
            await self.save_in(conn, consumer, source, position)
