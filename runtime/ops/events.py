"""Finding the events about one order in a service's store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from sqlalchemy import or_, select

from shared.eventstore.port import EventStore, RecordedEvent
from shared.eventstore.schema import events
from shared.sql import Database


def about(record: RecordedEvent, order_id: str) -> bool:
    """The event belongs to the order's saga, or names the order."""
    return (
        str(record.metadata.get("correlation_id")) == order_id
        or str(record.data.get("order_id")) == order_id
    )


async def events_about(store: EventStore, order_id: str) -> list[RecordedEvent]:
    """The store's events about ``order_id`` in log order (SQL stores filter in the database)."""
    engine: Database | None = getattr(store, "engine", None)
    if engine is None:
        return await _scan(store, order_id)
    query = (
        select(events)
        .where(or_(events.c.metadata.contains(order_id), events.c.data.contains(order_id)))
        .order_by(events.c.position)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [record for record in map(_record, rows) if about(record, order_id)]


async def _scan(store: EventStore, order_id: str) -> list[RecordedEvent]:
    found: list[RecordedEvent] = []
    position = 0
    while batch := await store.read_all(position, 5000):
        found.extend(record for record in batch if about(record, order_id))
        position = batch[-1].position
    return found


def _record(row: Mapping[str, Any]) -> RecordedEvent:
    recorded_at = row["recorded_at"]
    if recorded_at.tzinfo is None:  # SQLite keeps no zone; the store always writes UTC
        recorded_at = recorded_at.replace(tzinfo=UTC)
    data: dict[str, Any] = json.loads(row["data"])
    metadata: dict[str, Any] = json.loads(row["metadata"])
    return RecordedEvent(
        event_id=row["event_id"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        data=data,
        metadata=metadata,
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        position=row["position"],
        recorded_at=recorded_at.astimezone(UTC),
    )
