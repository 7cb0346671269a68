"""The EventStore on a :class:`shared.sql.Database`: SQLite and PostgreSQL share this logic.

Appends are units of work on the database's writer, so an append inside a command's unit
commits with the command's other rows (its idempotency record, say), and appends that arrive
together share one commit. Statements are driver SQL written once per dialect.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
import weakref
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any, Self

from shared.eventstore.port import (
    AppendResult,
    AppendsThroughMany,
    DuplicateEventId,
    ExpectedVersion,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
    version_matches,
)
from shared.eventstore.requests import encode_request
from shared.sql import Database, Transaction
from shared.sql.database import current_transaction, is_unique_violation

_COLUMNS = (
    "position, event_id, stream_id, stream_version, event_type, schema_version, data, metadata,"
    " recorded_at"
)


class _Statements:
    """The store's SQL in one dialect's placeholders."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgresql"
        number = _numbered if self.postgres else (lambda sql: sql)
        self.claim_new = number(
            "INSERT INTO streams (stream_id, version) VALUES (?, ?)"
            " ON CONFLICT (stream_id) DO NOTHING RETURNING version"
        )
        self.claim_any = number(
            "INSERT INTO streams (stream_id, version) VALUES (?, ?) ON CONFLICT (stream_id)"
            " DO UPDATE SET version = streams.version + excluded.version RETURNING version"
        )
        self.claim_exists = number(
            "UPDATE streams SET version = version + ? WHERE stream_id = ? RETURNING version"
        )
        self.claim_exact = number(
            "UPDATE streams SET version = ? WHERE stream_id = ? AND version = ? RETURNING version"
        )
        self.version = number("SELECT version FROM streams WHERE stream_id = ?")
        self.set_version = number("UPDATE streams SET version = ? WHERE stream_id = ?")
        self.drop_stream = number("DELETE FROM streams WHERE stream_id = ?")
        self.last_position = "SELECT coalesce(max(position), 0) FROM events"
        self.insert = number(f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        # PostgreSQL: one statement for the batch, whose count tells a stored id apart (a
        # failed insert would abort the whole transaction, neighbours' units included).
        self.insert_new = (
            f"INSERT INTO events ({_COLUMNS}) SELECT * FROM unnest($1::bigint[], $2::uuid[],"
            " $3::text[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[],"
            " $9::timestamptz[]) ON CONFLICT (event_id) DO NOTHING"
        )
        self.drop_from = number("DELETE FROM events WHERE position >= ?")
        self.read_stream = number(
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ?"
            " ORDER BY stream_version"
        )
        self.read_stream_limit = number(
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ?"
            " ORDER BY stream_version LIMIT ?"
        )
        self.read_all = number(
            f"SELECT {_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"
        )
        self.position_of = number(
            "SELECT position FROM events WHERE stream_id = ? AND stream_version = ?"
        )

    def stored(self, count: int) -> str:
        if self.postgres:
            marks = ", ".join(f"${i}" for i in range(1, count + 1))
        else:
            marks = ", ".join("?" * count)
        return (
            "SELECT event_id, stream_id, stream_version, position FROM events"
            f" WHERE event_id IN ({marks})"
        )


def _numbered(sql: str) -> str:
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


class SqlEventStore(AppendsThroughMany):
    """An EventStore in a SQL database (open one with SqliteEventStore or PostgresEventStore).

    ``engine`` is the :class:`Database`: read models and checkpoints may live beside the events.
    """

    def __init__(self, database: Database, *, poll_interval: float = 2.0) -> None:
        self.database = database
        self._sql = _Statements(database.name)
        self._postgres = database.name == "postgresql"
        self._poll_interval = poll_interval
        self._appended = _Signal()
        self._closed = False
        self._log_lock_key: int | None = None
        self._notify_channel: str | None = None

    @property
    def engine(self) -> Database:
        return self.database

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- values as stored --------------------------------------------------------------------

    def _id_in(self, event_id: Any) -> Any:
        return event_id if self._postgres else event_id.hex

    def _time_in(self, at: datetime) -> Any:
        # SQLite keeps SQLAlchemy's text format (naive, always UTC) so older files stay readable.
        return at if self._postgres else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def _record(self, row: Sequence[Any]) -> RecordedEvent:
        position, event_id, stream_id, version, event_type, schema, data, metadata, at = row
        if self._postgres:
            recorded_at = at.astimezone(UTC)
            event_id = _uuid(event_id)
        else:
            recorded_at = datetime.fromisoformat(at).replace(tzinfo=UTC)
            event_id = _uuid_hex(event_id)
        return RecordedEvent(
            event_id=event_id,
            event_type=event_type,
            schema_version=schema,
            data=data,
            metadata=metadata,
            stream_id=stream_id,
            stream_version=version,
            position=position,
            recorded_at=recorded_at,
        )

    # --- appending ----------------------------------------------------------------------------

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        """Append to several streams atomically: all of it is stored, or none of it."""
        encoded = encode_request(appends)
        if not appends:
            return []
        if self._closed:
            raise RuntimeError("the event store is closed")

        async def unit(tx: Transaction) -> list[AppendResult]:
            return await self.append_in(tx, appends, encoded)

        return await self.database.write(unit)

    async def append_in(
        self,
        tx: Transaction,
        appends: Sequence[StreamAppend],
        encoded: list[list[tuple[str, str]]] | None = None,
    ) -> list[AppendResult]:
        """Append inside ``tx`` (a unit of work on this store's database).

        A failed append leaves nothing behind. The common case, one stream at an exact version,
        needs no savepoint: a version conflict writes nothing, and an event id stored already
        makes the append take back its rows and its claim (on PostgreSQL the insert skips a
        stored id rather than fail, as a failed statement there would abort the transaction).
        """
        if encoded is None:
            encoded = encode_request(appends)
        simple = len(appends) == 1 and _exact(appends[0].expected_version)
        try:
            if simple:
                return await self._write(tx, appends, encoded)
            async with tx.savepoint():
                return await self._write(tx, appends, encoded)
        except (WrongExpectedVersion, _DuplicateInsert) as error:
            # Idempotency by event id: a batch stored before is answered, not written twice.
            stored = await self._stored(tx, appends)
            if stored is not None:
                return stored
            if isinstance(error, WrongExpectedVersion):
                raise
            raise await self._conflict(tx, appends) from None

    async def _write(
        self, tx: Transaction, appends: Sequence[StreamAppend], encoded: list[list[tuple[str, str]]]
    ) -> list[AppendResult]:
        sql = self._sql
        versions: dict[int, int] = {}
        # Stream rows are claimed in one order: concurrent multi-stream appends cannot deadlock.
        for index in sorted(range(len(appends)), key=lambda i: appends[i].stream_id):
            versions[index] = await self._claim(tx, appends[index])
        results: list[AppendResult | None] = [None] * len(appends)
        rows: list[tuple[Any, ...]] = []
        if any(append.events for append in appends):
            position = await self._last_position(tx)
            recorded_at = self._time_in(datetime.now(UTC))
            for index, append in enumerate(appends):
                if not append.events:
                    continue
                first = versions[index] - len(append.events) + 1
                for offset, (event, (data, metadata)) in enumerate(
                    zip(append.events, encoded[index], strict=True)
                ):
                    position += 1
                    rows.append(
                        (
                            position,
                            self._id_in(event.event_id),
                            append.stream_id,
                            first + offset,
                            event.event_type,
                            event.schema_version,
                            data,
                            metadata,
                            recorded_at,
                        )
                    )
                results[index] = AppendResult(append.stream_id, versions[index], position)
            if not await self._inserted(tx, rows):
                # An id is stored already: take back this append's rows (the positions from
                # its first on are its own: the writer holds the log) and its claim.
                await tx.run(sql.drop_from, (rows[0][0],))
                if len(appends) == 1:
                    await self._unclaim(tx, appends[0])
                raise _DuplicateInsert
            tx.state["events:last"] = position
            end = _log_end(tx.database)
            end.appending_in = tx
            generation = tx.database.generation
            if generation is not None:
                tx.on_commit(functools.partial(end.committed, generation, position))
            if self._notify_channel is not None:
                tx.before_commit(f"NOTIFY {self._notify_channel}")
            tx.on_commit(self._appended.fire)
        for index, append in enumerate(appends):
            if results[index] is None:  # an empty append: its version checked, nothing written
                at = await self._position_of(tx, append.stream_id, versions[index])
                results[index] = AppendResult(append.stream_id, versions[index], at)
        return [result for result in results if result is not None]

    async def _inserted(self, tx: Transaction, rows: list[tuple[Any, ...]]) -> bool:
        """Insert the rows; False if an event id among them is stored already (then the rows
        before it may be in, on SQLite, whose executemany runs a statement per row)."""
        if self._postgres:
            columns = [list(column) for column in zip(*rows, strict=True)]
            return await tx.run(self._sql.insert_new, columns) == len(rows)
        try:
            await tx.run_many(self._sql.insert, rows)
        except Exception as error:
            if is_unique_violation(error):
                return False
            raise
        return True

    async def _unclaim(self, tx: Transaction, append: StreamAppend) -> None:
        """Put the stream back where it was (its claim stands, its insert failed)."""
        expected = append.expected_version
        if isinstance(expected, int) and expected > 0:
            await tx.run(self._sql.set_version, (expected, append.stream_id))
        elif expected == 0 or expected is StreamState.NO_STREAM:
            await tx.run(self._sql.drop_stream, (append.stream_id,))

    async def _claim(self, tx: Transaction, append: StreamAppend) -> int:
        """Check the expected version and move the stream to its new last version."""
        count = len(append.events)
        expected = append.expected_version
        sql = self._sql
        if count == 0:
            actual = await self._version(tx, append.stream_id)
            if not version_matches(expected, actual):
                raise WrongExpectedVersion(append.stream_id, expected, actual)
            return actual
        if expected is StreamState.ANY:
            rows = await tx.fetch(sql.claim_any, (append.stream_id, count))
        elif expected is StreamState.NO_STREAM or expected == 0:
            rows = await tx.fetch(sql.claim_new, (append.stream_id, count))
        elif expected is StreamState.STREAM_EXISTS:
            rows = await tx.fetch(sql.claim_exists, (count, append.stream_id))
        else:
            assert isinstance(expected, int)
            rows = await tx.fetch(sql.claim_exact, (expected + count, append.stream_id, expected))
        if not rows:
            actual = await self._version(tx, append.stream_id)
            raise WrongExpectedVersion(append.stream_id, expected, actual)
        return int(rows[0][0])

    async def _last_position(self, tx: Transaction) -> int:
        key = "events:last"
        last = tx.state.get(key)
        if last is None:
            known = _log_end(tx.database).known(tx)
            if known is not None:
                return known
            if self._log_lock_key is not None and not tx.database.writers_serialized:
                # PostgreSQL: positions are taken in commit order (docs/eventstore.md); a
                # writer that takes turns already holds it (``serialize_writers``).
                await tx.run("SELECT pg_advisory_xact_lock($1)", (self._log_lock_key,))
            last = int((await tx.fetch(self._sql.last_position))[0][0])
        return int(last)

    async def _stored(
        self, tx: Transaction, appends: Sequence[StreamAppend]
    ) -> list[AppendResult] | None:
        """Every append's result if all its ids are stored in its stream; None if none is stored
        anywhere; raises DuplicateEventId for a batch stored in part or in another stream."""
        ids = [event.event_id for append in appends for event in append.events]
        if not ids:
            return None
        rows = await tx.fetch(self._sql.stored(len(ids)), [self._id_in(i) for i in ids])
        convert = _uuid if self._postgres else _uuid_hex
        found = {convert(row[0]): row for row in rows}
        if not found:
            return None
        results: list[AppendResult] = []
        for append in appends:
            hits = [found.get(event.event_id) for event in append.events]
            stored = [hit for hit in hits if hit is not None]
            elsewhere = [hit for hit in stored if hit[1] != append.stream_id]
            if elsewhere or len(stored) < len(hits):
                culprit = (elsewhere or stored or list(found.values()))[0]
                raise DuplicateEventId(convert(culprit[0]), culprit[1])
            last = stored[-1] if stored else None
            if last is None:  # an empty append beside stored ones
                version = await self._version(tx, append.stream_id)
                results.append(AppendResult(append.stream_id, version, 0, already_stored=True))
                continue
            results.append(AppendResult(append.stream_id, last[2], last[3], already_stored=True))
        return results

    async def _conflict(
        self, tx: Transaction, appends: Sequence[StreamAppend]
    ) -> WrongExpectedVersion:
        actual = [await self._version(tx, a.stream_id) for a in appends]
        for append, version in zip(appends, actual, strict=True):
            if not version_matches(append.expected_version, version):
                return WrongExpectedVersion(append.stream_id, append.expected_version, version)
        return WrongExpectedVersion(appends[0].stream_id, appends[0].expected_version, actual[0])

    async def _version(self, conn: Any, stream_id: str) -> int:
        rows = await conn.fetch(self._sql.version, (stream_id,))
        return int(rows[0][0]) if rows else 0

    async def _position_of(self, conn: Any, stream_id: str, version: int) -> int:
        if version == 0:
            return 0
        rows = await conn.fetch(self._sql.position_of, (stream_id, version))
        return int(rows[0][0]) if rows else 0

    # --- reading ------------------------------------------------------------------------------

    async def read_stream(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        """A stream's events from ``from_version`` (inclusive), oldest first; [] if none."""
        async with self.database.connect() as conn:
            if limit is None:
                rows = await conn.fetch(self._sql.read_stream, (stream_id, from_version))
            else:
                rows = await conn.fetch(
                    self._sql.read_stream_limit, (stream_id, from_version, limit)
                )
        return [self._record(row) for row in rows]

    async def stream_version(self, stream_id: str) -> int:
        """The stream's last version, 0 when it does not exist."""
        async with self.database.connect() as conn:
            return await self._version(conn, stream_id)

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """The global log after ``after_position`` (exclusive), in commit order, never skipping."""
        async with self.database.connect() as conn:
            rows = await conn.fetch(self._sql.read_all, (after_position, limit))
        return [self._record(row) for row in rows]

    async def head_position(self) -> int:
        """The position of the last committed event visible to readers (0 when empty)."""
        async with self.database.connect() as conn:
            return int((await conn.fetch(self._sql.last_position))[0][0])

    def woken(self) -> asyncio.Event:
        """An event set by the next commit that appends here (or, at worst, the poll interval)."""
        return self._appended.current()

    async def wait_for_append(self, event: asyncio.Event) -> None:
        """Wait until ``event`` (from :meth:`woken`) is set, or the fallback poll interval ends."""
        await _wait(event, self._poll_interval)

    async def subscribe(
        self, after_position: int = 0, *, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch-up subscription: history after ``after_position``, then live; no gap, no repeat.

        Commits through this store wake it at once (on PostgreSQL, other processes' too, by
        NOTIFY); anything else within the poll interval. It ends when the store is closed.
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
        if self._closed:
            return
        self._closed = True
        self._appended.fire()
        await self.database.close()

    def in_unit_of_work(self) -> bool:
        """Whether the running task is inside a unit of work on this store's database."""
        tx = current_transaction.get()
        return tx is not None and tx.database is self.database


class _LogEnd:
    """Where a database's log ended as its writer's latest appending commit left it: true
    while the database's generation stays (no other process wrote since)."""

    __slots__ = ("appending_in", "generation", "position")

    def __init__(self) -> None:
        self.generation: int | None = None
        self.position = 0
        self.appending_in: Transaction | None = None

    def committed(self, generation: int, position: int) -> None:
        self.generation, self.position = generation, position

    def known(self, tx: Transaction) -> int | None:
        """The last position, if known without a read (not once ``tx`` has appended)."""
        generation = tx.database.generation
        if generation is None or generation != self.generation or self.appending_in is tx:
            return None
        return self.position


_LOG_ENDS: weakref.WeakKeyDictionary[Database, _LogEnd] = weakref.WeakKeyDictionary()


def _log_end(database: Database) -> _LogEnd:
    """One per database: every store object on it appends to the same log."""
    end = _LOG_ENDS.get(database)
    if end is None:
        end = _LOG_ENDS[database] = _LogEnd()
    return end


def _exact(expected: ExpectedVersion) -> bool:
    """An expectation whose failed claim writes nothing (the UPDATE or INSERT matches no row)."""
    return isinstance(expected, int) or expected is StreamState.NO_STREAM


class _DuplicateInsert(Exception):
    """An event id of the batch is stored already (the insert hit the unique index)."""


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _uuid_hex(value: str) -> uuid.UUID:
    return uuid.UUID(hex=value)


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
