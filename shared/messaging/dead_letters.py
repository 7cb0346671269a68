"""Dead letters: events a consumer could not parse or handle, kept with the error for operators."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    select,
)

from shared.eventstore.port import RecordedEvent
from shared.sql import Database, Transaction

metadata = MetaData()

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consumer", String(200), nullable=False, index=True),
    Column("source", String(200), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("stream_id", String(300), nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    source: str
    position: int
    event_id: str
    event_type: str
    stream_id: str
    error: str
    attempts: int
    failed_at: datetime


class DeadLetters:
    """The dead letters of the consumers that live in one database."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        await self.engine.create_all(metadata)

    async def add(
        self, consumer: str, source: str, record: RecordedEvent, error: str, attempts: int
    ) -> None:
        async with self.engine.begin() as conn:
            await self.add_in(conn, consumer, source, record, error, attempts)

    async def add_in(
        self,
        conn: Transaction,
        consumer: str,
        source: str,
        record: RecordedEvent,
        error: str,
        attempts: int,
    ) -> None:
        """Keep the letter inside the caller's unit of work (beside the consumer's checkpoint)."""
        await conn.execute(
            dead_letters.insert().values(
                consumer=consumer,
                source=source,
                position=record.position,
                event_id=str(record.event_id),
                event_type=record.event_type,
                stream_id=record.stream_id,
                error=error[:4000],
                attempts=attempts,
                data=record.data_json or json.dumps(record.data, ensure_ascii=False),
                failed_at=datetime.now(UTC),
            )
        )

    async def list(self, consumer: str | None = None) -> list[DeadLetter]:
        query = select(*[c for c in dead_letters.c if c.name != "data"]).order_by(dead_letters.c.id)
        if consumer is not None:
            query = query.where(dead_letters.c.consumer == consumer)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [DeadLetter(**row) for row in rows]

    async def count(self) -> int:
        async with self.engine.connect() as conn:
            total = await conn.scalar(select(func.count()).select_from(dead_letters))
        return int(total or 0)

    async def remove(self, dead_letter_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(dead_letters).where(dead_letters.c.id == dead_letter_id))
