"""Statements and row conversions behind SqlEventStore: idempotency, version claims, JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore.port import (
    AppendResult,
    DuplicateEventId,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
    check_expected,
)
from shared.eventstore.schema import events, streams


def encode_request(appends: Sequence[StreamAppend]) -> list[list[tuple[str, str]]]:
    """Check a request and serialise its payloads before any lock is taken: (data, metadata)."""
    stream_ids: set[str] = set()
    event_ids: set[uuid.UUID] = set()
    for append in appends:
        if append.stream_id in stream_ids:
            raise ValueError(f"stream {append.stream_id!r} appears twice in one append")
        stream_ids.add(append.stream_id)
        expected = append.expected_version
        if isinstance(expected, int) and expected < 0:
            raise ValueError(f"expected version {expected} is negative")
        for event in append.events:
            if event.event_id in event_ids:
                raise ValueError(f"event id {event.event_id} appears twice in one append")
            event_ids.add(event.event_id)
    return [[(dump(e.data), dump(e.metadata)) for e in append.events] for append in appends]


def dump(value: dict[str, Any]) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text.encode("utf-8")  # a lone surrogate fails here, not halfway through a transaction
    return text


async def stored_results(
    conn: AsyncConnection, appends: Sequence[StreamAppend]
) -> list[AppendResult | None]:
    """Per append: already_stored if all its ids are in its stream, None if none are stored."""
    ids = [event.event_id for append in appends for event in append.events]
    if not ids:
        return [None] * len(appends)
    query = select(
        events.c.event_id, events.c.stream_id, events.c.stream_version, events.c.position
    ).where(events.c.event_id.in_(ids))
    found = {row.event_id: row for row in (await conn.execute(query)).all()}
    results: list[AppendResult | None] = []
    for append in appends:
        hits = [found.get(event.event_id) for event in append.events]
        stored = [hit for hit in hits if hit is not None]
        if not stored:
            results.append(None)
            continue
        elsewhere = [hit for hit in stored if hit.stream_id != append.stream_id]
        if elsewhere or len(stored) < len(hits):
            culprit = (elsewhere or stored)[0]
            raise DuplicateEventId(culprit.event_id, culprit.stream_id)
        last = stored[-1]
        results.append(
            AppendResult(append.stream_id, last.stream_version, last.position, already_stored=True)
        )
    return results


async def claim_versions(conn: AsyncConnection, append: StreamAppend) -> int:
    """Check the expected version and move the stream to its new last version, locking its row."""
    count = len(append.events)
    expected = append.expected_version
    if count == 0:
        actual = await current_version(conn, append.stream_id)
        check_expected(append.stream_id, expected, actual)
        return actual
    row = streams.c
    if expected is StreamState.ANY:
        statement: Any = (
            _insert_stream(conn, append.stream_id, count)
            .on_conflict_do_update(
                index_elements=[row.stream_id], set_={"version": row.version + count}
            )
            .returning(row.version)
        )
    elif expected is StreamState.NO_STREAM or expected == 0:
        statement = (
            _insert_stream(conn, append.stream_id, count)
            .on_conflict_do_nothing(index_elements=[row.stream_id])
            .returning(row.version)
        )
    elif expected is StreamState.STREAM_EXISTS:
        statement = (
            update(streams)
            .where(row.stream_id == append.stream_id)
            .values(version=row.version + count)
            .returning(row.version)
        )
    else:
        statement = (
            update(streams)
            .where(row.stream_id == append.stream_id, row.version == expected)
            .values(version=expected + count)
            .returning(row.version)
        )
    claimed: int | None = (await conn.execute(statement)).scalar_one_or_none()
    if claimed is None:
        actual = await current_version(conn, append.stream_id)
        raise WrongExpectedVersion(append.stream_id, expected, actual)
    return claimed


def _insert_stream(
    conn: AsyncConnection, stream_id: str, version: int
) -> postgresql.Insert | sqlite.Insert:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return insert(streams).values(stream_id=stream_id, version=version)


async def current_version(conn: AsyncConnection, stream_id: str) -> int:
    query = select(streams.c.version).where(streams.c.stream_id == stream_id)
    version: int | None = (await conn.execute(query)).scalar_one_or_none()
    return version or 0


async def last_position(conn: AsyncConnection) -> int:
    query = select(func.coalesce(func.max(events.c.position), 0))
    return int((await conn.execute(query)).scalar_one())


async def position_of(conn: AsyncConnection, stream_id: str, version: int) -> int:
    """The global position of a stream's event at ``version``; 0 for version 0."""
    query = select(events.c.position).where(
        events.c.stream_id == stream_id, events.c.stream_version == version
    )
    position: int | None = (await conn.execute(query)).scalar_one_or_none()
    return position or 0


def event_rows(
    writes: Sequence[tuple[StreamAppend, list[tuple[str, str]], int]], *, after: int
) -> tuple[list[dict[str, Any]], list[int]]:
    """Rows for (append, its encoded payloads, its new last version), numbered from ``after`` + 1.

    Also returns each append's last position.
    """
    rows: list[dict[str, Any]] = []
    last_positions: list[int] = []
    position = after
    recorded_at = datetime.now(UTC)
    for append, payloads, last_version in writes:
        first_version = last_version - len(append.events) + 1
        for offset, (event, (data, metadata)) in enumerate(
            zip(append.events, payloads, strict=True)
        ):
            position += 1
            rows.append(
                {
                    "position": position,
                    "event_id": event.event_id,
                    "stream_id": append.stream_id,
                    "stream_version": first_version + offset,
                    "event_type": event.event_type,
                    "schema_version": event.schema_version,
                    "data": data,
                    "metadata": metadata,
                    "recorded_at": recorded_at,
                }
            )
        last_positions.append(position)
    return rows, last_positions


def recorded_event(row: RowMapping) -> RecordedEvent:
    recorded_at: datetime = row["recorded_at"]
    # SQLite keeps no zone; we always write UTC.
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return RecordedEvent(
        event_id=row["event_id"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        data=json.loads(row["data"]),
        metadata=json.loads(row["metadata"]),
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        position=row["position"],
        recorded_at=recorded_at.astimezone(UTC),
    )
