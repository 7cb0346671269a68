"""Durable per-consumer positions, stored in the consumer's own database.

A consumer saves its position inside the unit of work that stores its effect, so the two commit
together: a crash redelivers only what was not stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import BigInteger, Column, MetaData, String, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from shared.sql import Connection, Database

metadata = MetaData()

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("consumer", String(200), primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

_LOAD = select(checkpoints.c.position).where(
    checkpoints.c.consumer == bindparam("consumer"), checkpoints.c.source == bindparam("source")
)
_LOAD_SOURCE = select(checkpoints.c.consumer, checkpoints.c.position).where(
    checkpoints.c.source == bindparam("source")
)
_HOLD_SOURCE = _LOAD_SOURCE.with_for_update()


def _upsert(insert: type[postgresql.Insert] | type[sqlite.Insert]) -> object:
    statement = insert(checkpoints)
    return statement.on_conflict_do_update(
        index_elements=["consumer", "source"], set_={"position": statement.excluded.position}
    )


_SAVE = {
    "postgresql": _upsert(postgresql.Insert),
    "sqlite": _upsert(sqlite.Insert),
}
_ADD = {
    "postgresql": postgresql.insert(checkpoints).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(checkpoints).on_conflict_do_nothing(),
}


class CheckpointStore:
    """Positions of the consumers that live in one database."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        await self.engine.create_all(metadata)

    async def load(self, consumer: str, source: str) -> int:
        async with self.engine.connect() as conn:
            return await self.load_in(conn, consumer, source)

    @staticmethod
    async def load_in(conn: Connection, consumer: str, source: str) -> int:
        found = await conn.execute(_LOAD, {"consumer": consumer, "source": source})
        position = found.scalar_one_or_none()
        return int(position or 0)

    @staticmethod
    async def load_source_in(
        conn: Connection, source: str, *, hold: bool = False
    ) -> dict[str, int]:
        """Every consumer's position of ``source``; ``hold`` locks their rows until the
        transaction ends (PostgreSQL), so two processes cannot both act on the same position."""
        found = await conn.execute(_HOLD_SOURCE if hold else _LOAD_SOURCE, {"source": source})
        return {row["consumer"]: int(row["position"]) for row in found.mappings()}

    @staticmethod
    async def add_missing_in(conn: Connection, source: str, consumers: Iterable[str]) -> None:
        """Rows at position 0 for the consumers that have none (existing rows stay as they are)."""
        rows = [{"consumer": c, "source": source, "position": 0} for c in consumers]
        if rows:
            await conn.execute(_ADD[conn.dialect.name], rows)

    @staticmethod
    async def save_in(conn: Connection, consumer: str, source: str, position: int) -> None:
        """Save inside the caller's transaction, so the effect and the position commit together."""
        await CheckpointStore.save_many_in(conn, source, {consumer: position})

    @staticmethod
    async def save_many_in(conn: Connection, source: str, positions: Mapping[str, int]) -> None:
        """Save several consumers' positions of one source in one statement."""
        if not positions:
            return
        rows = [
            {"consumer": consumer, "source": source, "position": position}
            for consumer, position in positions.items()
        ]
        await conn.execute(_SAVE[conn.dialect.name], rows)  # type: ignore[arg-type]

    async def save(self, consumer: str, source: str, position: int) -> None:
        async with self.engine.begin() as conn:
            await self.save_in(conn, consumer, source, position)
