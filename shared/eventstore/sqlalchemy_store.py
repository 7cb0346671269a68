"""The EventStore on SQLAlchemy 2 async Core: the logic the SQLite and PostgreSQL adapters share.

Adapters supply the engine, the write transaction and the lock keeping positions in commit order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Self

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.eventstore import _sql
from shared.eventstore.port import (
    AppendResult,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
    version_matches,
)
from shared.eventstore.schema import events as event_table


class SqlEventStore:
    """An EventStore in SQL: open it with SqliteEventStore.open or PostgresEventStore.open.

    ``engine`` is public: read models and checkpoints may live in the same database.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        poll_interval: float,
        reader: AsyncEngine | None = None,
        writer: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        self._reader = reader or engine
        self._writer = writer or engine
        self._poll_interval = poll_interval
        self._appended = _Signal()
        self._closed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append to one stream; raises WrongExpectedVersion or DuplicateEventId."""
        [result] = await self.append_many([StreamAppend(stream_id, events, expected_version)])
        return result

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        """Append to several streams atomically: all of it is stored, or none of it."""
        encoded = _sql.encode_request(appends)
        if not appends:
            return []
        try:
            results = await self._append_once(appends, encoded)
        except (WrongExpectedVersion, IntegrityError) as error:
            # A concurrent writer may have stored this very batch while we waited for its locks.
            async with self._reader.connect() as conn:
                stored = await _sql.stored_results(conn, appends)
            if all(result is not None for result in stored):
                return [result for result in stored if result is not None]
            if isinstance(error, WrongExpectedVersion):
                raise
            raise await self._conflict(appends) from error
        if any(a.events and not r.already_stored for a, r in zip(appends, results, strict=True)):
            self._appended.fire()
        return results

    async def _append_once(
        self, appends: Sequence[StreamAppend], encoded: list[list[tuple[str, str]]]
    ) -> list[AppendResult]:
        async with self._write_transaction() as conn:
            results = await _sql.stored_results(conn, appends)
            versions: dict[int, int] = {}
            # Stream rows are locked in one order: concurrent multi-stream appends cannot deadlock.
            for index in sorted(range(len(appends)), key=lambda i: appends[i].stream_id):
                if results[index] is None:
                    versions[index] = await _sql.claim_versions(conn, appends[index])
            writes = [i for i in range(len(appends)) if i in versions and appends[i].events]
            if writes:
                await self._lock_log(conn)
                rows, last_positions = _sql.event_rows(
                    [(appends[i], encoded[i], versions[i]) for i in writes],
                    after=await _sql.last_position(conn),
                )
                await conn.execute(event_table.insert(), rows)
                for index, position in zip(writes, last_positions, strict=True):
                    results[index] = AppendResult(
                        appends[index].stream_id, versions[index], position
                    )
            for index, version in versions.items():
                if results[index] is None:  # an empty append: its version checked, nothing written
                    stream_id = appends[index].stream_id
                    at = await _sql.position_of(conn, stream_id, version)
                    results[index] = AppendResult(stream_id, version, at)
            final = [result for result in results if result is not None]
            if writes:
                await self._before_commit(final)
        return final

    async def _conflict(self, appends: Sequence[StreamAppend]) -> WrongExpectedVersion:
        async with self._reader.connect() as conn:
            actual = [await _sql.current_version(conn, a.stream_id) for a in appends]
        for append, version in zip(appends, actual, strict=True):
            if not version_matches(append.expected_version, version):
                return WrongExpectedVersion(append.stream_id, append.expected_version, version)
        return WrongExpectedVersion(appends[0].stream_id, appends[0].expected_version, actual[0])

    @asynccontextmanager
    async def _write_transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self._writer.begin() as conn:
            yield conn

    async def _lock_log(self, conn: AsyncConnection) -> None:
        """Serialise position allocation with every other writer until this transaction ends."""

    async def _before_commit(self, results: Sequence[AppendResult]) -> None:
        """Runs after positions are taken, before commit; tests hold transactions open here."""

    async def read_stream(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        """A stream's events from ``from_version`` (inclusive), oldest first; [] if none."""
        query = (
            select(event_table)
            .where(
                event_table.c.stream_id == stream_id, event_table.c.stream_version >= from_version
            )
            .order_by(event_table.c.stream_version)
        )
        return await self._fetch(query if limit is None else query.limit(limit))

    async def stream_version(self, stream_id: str) -> int:
        """The stream's last version, 0 when it does not exist."""
        async with self._reader.connect() as conn:
            return await _sql.current_version(conn, stream_id)

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """The global log after ``after_position`` (exclusive), in commit order, never skipping."""
        query = (
            select(event_table)
            .where(event_table.c.position > after_position)
            .order_by(event_table.c.position)
            .limit(limit)
        )
        return await self._fetch(query)

    async def head_position(self) -> int:
        """The position of the last committed event visible to readers (0 when empty)."""
        async with self._reader.connect() as conn:
            return await _sql.last_position(conn)

    async def subscribe(
        self, after_position: int = 0, *, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch-up subscription: history after ``after_position``, then live; no gap, no repeat.

        Appends through this object wake it at once; other writers' within the poll interval.
        It ends when the store is closed.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        position = after_position
        while not self._closed:
            appended = self._appended.current()
            batch = await self.read_all(position, batch_size)
            for event in batch:
                yield event
                position = event.position
            if len(batch) < batch_size:
                await _wait(appended, self._poll_interval)

    async def close(self) -> None:
        """Release connections and end the subscriptions."""
        self._closed = True
        self._appended.fire()
        await self.engine.dispose()

    async def _fetch(self, query: Select[Any]) -> list[RecordedEvent]:
        async with self._reader.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_sql.recorded_event(row) for row in rows]


class _Signal:
    """Wakes every waiter on the next fire; an event taken before a read misses no later fire."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()


async def _wait(event: asyncio.Event, at_most: float) -> None:
    try:
        async with asyncio.timeout(at_most):
            await event.wait()
    except TimeoutError:
        pass
