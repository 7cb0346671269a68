"""The three writers and the readers the event-store bench compares, for SQLite and PostgreSQL.

* ours: ``SqliteEventStore`` / ``PostgresEventStore`` through the ``EventStore`` port;
* raw: the same rows written to (and read from) tables created with our DDL, through the same
  driver (aiosqlite / asyncpg), one transaction per commit, no version check, no lock: the floor;
* eventsourcing: the library's application recorder on the same database engine.

Each contender gets its own place (SQLite: a file in the bench's temporary directory, with the
same PRAGMAs as ours; PostgreSQL: a schema of DATABASE_URL), so one contender's WAL checkpoints
or table growth never land in another's timings.
"""

from __future__ import annotations

import json
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import aiosqlite
import asyncpg
from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.schema import CreateTable

from bench.eventstore.workload import Commit, dump
from shared.eventstore.port import RecordedEvent
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.schema import events, streams
from shared.eventstore.sql import SqlEventStore
from shared.eventstore.sqlite import SqliteEventStore

# Ours sets these on every SQLite connection (shared/eventstore/sqlite.py); raw and eventsourcing
# get the same, so all three have the same durability (WAL, fsync at checkpoints only).
SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "foreign_keys=ON")
_COLUMNS = (
    "position, event_id, stream_id, stream_version, event_type, schema_version, data, "
    "metadata, recorded_at"
)


class Writer(Protocol):
    async def append(self, commit: Commit) -> None: ...


class Reader(Protocol):
    async def read_log(self, total: int, batch: int) -> int:
        """Read the log from its start until ``total`` events (or its end); return how many."""
        ...


# --- ours ---------------------------------------------------------------------------------------


class OursWriter:
    def __init__(self, store: SqlEventStore) -> None:
        self.store = store

    async def append(self, commit: Commit) -> None:
        await self.store.append(commit.stream_id, commit.events, commit.expected_version)


class OursReadAll:
    """``read_all(after, limit)`` in a loop, as a projection rebuild or relay would."""

    def __init__(self, store: SqlEventStore) -> None:
        self.store = store

    async def read_log(self, total: int, batch: int) -> int:
        count = position = 0
        while count < total:
            events = await self.store.read_all(position, min(batch, total - count))
            if not events:
                break
            count += len(events)
            position = events[-1].position
        return count


class OursSubscribe:
    """``subscribe(0)`` until ``total`` events have arrived (the history part of catch-up)."""

    def __init__(self, store: SqlEventStore) -> None:
        self.store = store

    async def read_log(self, total: int, batch: int) -> int:
        count = 0
        subscription = cast(
            AsyncGenerator[RecordedEvent, None], self.store.subscribe(0, batch_size=batch)
        )
        async with aclosing(subscription):
            async for _ in subscription:
                count += 1
                if count >= total:
                    break
        return count


async def count_statements(store: SqlEventStore, commit: Commit) -> int:
    """How many SQL statements one append of ours sends between BEGIN and COMMIT."""
    seen = 0
    writer = await store.database._writer()
    kind = type(writer)
    originals = {name: getattr(kind, name) for name in ("_fetch", "run", "run_many")}

    def counting(name: str) -> Any:
        async def call(self: Any, sql: str, *args: Any) -> Any:
            nonlocal seen
            if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "PRAGMA")):
                seen += 1
            return await originals[name](self, sql, *args)

        return call

    for name in originals:
        setattr(kind, name, counting(name))
    try:
        await OursWriter(store).append(commit)
    finally:
        for name, original in originals.items():
            setattr(kind, name, original)
    return seen


# --- eventsourcing ------------------------------------------------------------------------------


def stored_events(commit: Commit) -> list[StoredEvent]:
    """The commit as eventsourcing records it: the stream id as a text originator id."""
    return [
        StoredEvent(
            originator_id=commit.stream_id,
            originator_version=commit.expected_version + offset + 1,
            topic=e.event_type,
            state=dump(
                {
                    "id": str(e.event_id),
                    "schema_version": e.schema_version,
                    "data": e.data,
                    "metadata": e.metadata,
                }
            ).encode(),
        )
        for offset, e in enumerate(commit.events)
    ]


class EsWriter:
    """``insert_events`` with one commit's events; it is synchronous and runs on the loop thread."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder

    async def append(self, commit: Commit) -> None:
        self.recorder.insert_events(stored_events(commit))


class EsReader:
    """``select_notifications`` in a loop (the library's own catch-up read)."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder

    async def read_log(self, total: int, batch: int) -> int:
        count = position = 0
        while count < total:
            notes = self.recorder.select_notifications(
                position, min(batch, total - count), inclusive_of_start=False
            )
            if not notes:
                break
            count += len(notes)
            position = notes[-1].id
        return count


class _NormalSyncPool(SQLiteConnectionPool):
    """eventsourcing's SQLite pool with ``synchronous=NORMAL``, as ours and raw use."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        return connection


# --- raw ----------------------------------------------------------------------------------------


def decode_row(row: Sequence[Any]) -> RecordedEvent:
    """What ours returns, built straight from a driver row (the floor of a decoding reader)."""
    event_id, recorded_at = row[1], row[8]
    if not isinstance(event_id, uuid.UUID):
        event_id = uuid.UUID(hex=event_id)
    if not isinstance(recorded_at, datetime):
        recorded_at = datetime.fromisoformat(recorded_at)
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return RecordedEvent(
        event_id=event_id,
        event_type=row[4],
        schema_version=row[5],
        data=json.loads(row[6]),
        metadata=json.loads(row[7]),
        stream_id=row[2],
        stream_version=row[3],
        position=row[0],
        recorded_at=recorded_at,
    )


def _rows(commit: Commit, after: int, recorded_at: Any, *, hex_ids: bool) -> list[tuple[Any, ...]]:
    return [
        (
            after + offset + 1,
            e.event_id.hex if hex_ids else e.event_id,
            commit.stream_id,
            commit.expected_version + offset + 1,
            e.event_type,
            e.schema_version,
            dump(e.data),
            dump(e.metadata),
            recorded_at,
        )
        for offset, e in enumerate(commit.events)
    ]


def _ddl(dialect: Dialect) -> list[str]:
    return [
        str(CreateTable(table, if_not_exists=True).compile(dialect=dialect))
        for table in (events, streams)
    ]


_INSERT_EVENTS = f"INSERT INTO events ({_COLUMNS}) VALUES ({{params}})"
_UPSERT_STREAM = (
    "INSERT INTO streams (stream_id, version) VALUES ({a}, {b}) "
    "ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version"
)
_SELECT_AFTER = (
    f"SELECT {_COLUMNS} FROM events WHERE position > {{a}} ORDER BY position LIMIT {{b}}"
)


class RawSqlite:
    """aiosqlite on a file with our tables: BEGIN, upsert the stream row, insert events, COMMIT."""

    _insert = _INSERT_EVENTS.format(params=", ".join("?" * 9))
    _upsert = _UPSERT_STREAM.format(a="?", b="?")
    _select = _SELECT_AFTER.format(a="?", b="?")

    def __init__(self, db: aiosqlite.Connection, position: int, *, decode: bool = False) -> None:
        self.db = db
        self.position = position
        self.decode = decode

    @classmethod
    async def open(cls, path: Path, *, decode: bool = False) -> RawSqlite:
        db = await aiosqlite.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            await db.execute(f"PRAGMA {pragma}")
        for statement in _ddl(make_url("sqlite://").get_dialect()()):
            await db.execute(statement)
        async with db.execute("SELECT coalesce(max(position), 0) FROM events") as cursor:
            row = await cursor.fetchone()
        return cls(db, int(row[0]) if row else 0, decode=decode)

    async def append(self, commit: Commit) -> None:
        await self.write([commit])

    async def write(self, commits: Sequence[Commit]) -> None:
        # SQLAlchemy's SQLite DateTime text, as ours stores it.
        recorded_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows: list[tuple[Any, ...]] = []
        for commit in commits:
            rows += _rows(commit, self.position + len(rows), recorded_at, hex_ids=True)
        await self.db.execute("BEGIN")
        try:
            await self.db.executemany(
                self._upsert,
                [(c.stream_id, c.expected_version + len(c.events)) for c in commits],
            )
            await self.db.executemany(self._insert, rows)
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        self.position += len(rows)

    async def read_log(self, total: int, batch: int) -> int:
        count = position = 0
        while count < total:
            cursor = await self.db.execute(self._select, (position, min(batch, total - count)))
            rows = list(await cursor.fetchall())
            await cursor.close()
            if not rows:
                break
            if self.decode:
                decoded = [decode_row(row) for row in rows]
                position = decoded[-1].position
            else:
                position = rows[-1][0]
            count += len(rows)
        return count

    async def close(self) -> None:
        await self.db.close()


class RawPostgres:
    """asyncpg in one schema with our tables: a transaction per commit, upsert, executemany."""

    _insert = _INSERT_EVENTS.format(params=", ".join(f"${n}" for n in range(1, 10)))
    _upsert = _UPSERT_STREAM.format(a="$1", b="$2")
    _select = _SELECT_AFTER.format(a="$1", b="$2")

    def __init__(self, conn: asyncpg.Connection, position: int, *, decode: bool = False) -> None:
        self.conn = conn
        self.position = position
        self.decode = decode

    @classmethod
    async def open(cls, dsn: str, schema: str, *, decode: bool = False) -> RawPostgres:
        conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
        for statement in _ddl(make_url("postgresql://").get_dialect()()):
            await conn.execute(statement)
        position = await conn.fetchval("SELECT coalesce(max(position), 0) FROM events")
        return cls(conn, int(position), decode=decode)

    async def append(self, commit: Commit) -> None:
        await self.write([commit])

    async def write(self, commits: Sequence[Commit]) -> None:
        recorded_at = datetime.now(UTC)
        rows: list[tuple[Any, ...]] = []
        for commit in commits:
            rows += _rows(commit, self.position + len(rows), recorded_at, hex_ids=False)
        async with self.conn.transaction():
            await self.conn.executemany(
                self._upsert,
                [(c.stream_id, c.expected_version + len(c.events)) for c in commits],
            )
            await self.conn.executemany(self._insert, rows)
        self.position += len(rows)

    async def read_log(self, total: int, batch: int) -> int:
        count = position = 0
        while count < total:
            rows = await self.conn.fetch(self._select, position, min(batch, total - count))
            if not rows:
                break
            if self.decode:
                decoded = [decode_row(tuple(row)) for row in rows]
                position = decoded[-1].position
            else:
                position = rows[-1][0]
            count += len(rows)
        return count

    async def close(self) -> None:
        await self.conn.close()


# --- where each contender lives -----------------------------------------------------------------


class Backend(ABC):
    """One database engine: opens each contender in a place of its own, named by ``label``.

    Ours and raw opened with the same label share one database (the read bench reads our table).
    """

    name: str

    @abstractmethod
    async def ours(self, label: str) -> SqlEventStore: ...

    @abstractmethod
    async def raw(self, label: str, *, decode: bool = False) -> RawSqlite | RawPostgres: ...

    @abstractmethod
    def eventsourcing(self, label: str) -> ApplicationRecorder: ...

    @abstractmethod
    async def close(self) -> None:
        """Close what was opened and drop what was created."""


class SqliteBackend(Backend):
    name = "SQLite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._stores: list[SqlEventStore] = []
        self._raws: list[RawSqlite] = []
        self._datastores: list[SQLiteDatastore] = []

    def path(self, label: str) -> Path:
        return self.directory / f"{label}.db"

    async def ours(self, label: str) -> SqlEventStore:
        store = await SqliteEventStore.open(self.path(label))
        self._stores.append(store)
        return store

    async def raw(self, label: str, *, decode: bool = False) -> RawSqlite:
        raw = await RawSqlite.open(self.path(label), decode=decode)
        self._raws.append(raw)
        return raw

    def eventsourcing(self, label: str) -> ApplicationRecorder:
        datastore = SQLiteDatastore(str(self.path(label)), originator_id_type="text")
        datastore.pool.close()
        datastore.pool = _NormalSyncPool(db_name=str(self.path(label)))
        self._datastores.append(datastore)
        recorder = SQLiteApplicationRecorder(datastore)
        recorder.create_table()
        return recorder

    async def close(self) -> None:
        for store in self._stores:
            await store.close()
        for raw in self._raws:
            await raw.close()
        for datastore in self._datastores:
            datastore.close()


class PostgresBackend(Backend):
    name = "PostgreSQL"

    def __init__(self, url: str, prefix: str) -> None:
        parsed = make_url(url).difference_update_query(["schema"])
        self.url = parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
        self.dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self._parts = parsed
        self.prefix = prefix
        self._schemas: list[str] = []
        self._stores: list[SqlEventStore] = []
        self._raws: list[RawPostgres] = []
        self._datastores: list[PostgresDatastore] = []

    def schema(self, label: str) -> str:
        name = f"{self.prefix}_{label}"
        if name not in self._schemas:
            self._schemas.append(name)
        return name

    async def _create_schema(self, name: str) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {name}")
        finally:
            await conn.close()

    async def ours(self, label: str) -> SqlEventStore:
        store = await PostgresEventStore.open(self.url, schema=self.schema(label))
        self._stores.append(store)
        return store

    async def raw(self, label: str, *, decode: bool = False) -> RawPostgres:
        schema = self.schema(label)
        await self._create_schema(schema)
        raw = await RawPostgres.open(self.dsn, schema, decode=decode)
        self._raws.append(raw)
        return raw

    async def prepare_eventsourcing(self, label: str) -> None:
        """eventsourcing does not create its schema: call this before ``eventsourcing``."""
        await self._create_schema(self.schema(label))

    def eventsourcing(self, label: str) -> ApplicationRecorder:
        parts = self._parts
        datastore = PostgresDatastore(
            dbname=parts.database or "",
            host=parts.host or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "",
            password=parts.password or "",
            schema=self.schema(label),
            originator_id_type="text",
            pool_size=1,
        )
        self._datastores.append(datastore)
        recorder = PostgresApplicationRecorder(datastore)
        recorder.create_table()
        return recorder

    async def server_version(self) -> str:
        conn = await asyncpg.connect(self.dsn)
        try:
            version = await conn.fetchval("SHOW server_version")
            fsync = await conn.fetchval("SHOW fsync")
            sync_commit = await conn.fetchval("SHOW synchronous_commit")
        finally:
            await conn.close()
        return f"{version} (fsync {fsync}, synchronous_commit {sync_commit})"

    async def close(self) -> None:
        for store in self._stores:
            await store.close()
        for raw in self._raws:
            await raw.close()
        for datastore in self._datastores:
            datastore.close()
        if self._schemas:
            conn = await asyncpg.connect(self.dsn)
            try:
                for name in self._schemas:
                    await conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            finally:
                await conn.close()
