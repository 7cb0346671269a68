"""PostgreSQL on asyncpg: one writer connection (group commit), a pool of readers, LISTEN.

Statements are prepared once per connection by asyncpg's statement cache. The schema, when
given, is every connection's search_path, so tables created here land in it.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any
from uuid import uuid4

import asyncpg
from sqlalchemy import Column, MetaData, SmallInteger, String, Table
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError

from shared.sql.database import Connection, Database, Transaction, current_transaction

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
LOCK_NAMESPACE = 0x62326265  # high half of every advisory lock key this project takes
DDL_LOCK_KEY = LOCK_NAMESPACE << 32

WRITER_TURNS = MetaData()
Table(
    "writer_turns",
    WRITER_TURNS,
    Column("turn", SmallInteger, primary_key=True),
    Column("writer", String(32), nullable=False),
)
"""One row: the writer (a database object, in whichever process) whose transaction committed
last. Writers that take turns read it as they begin: see ``PostgresDatabase.generation``."""
_LAST_WRITER = "SELECT writer FROM writer_turns WHERE turn = 1"
_TAKE_TURN = (
    "INSERT INTO writer_turns (turn, writer) VALUES (1, $1)"
    " ON CONFLICT (turn) DO UPDATE SET writer = excluded.writer"
)


async def _setup(conn: asyncpg.Connection) -> None:
    # As SQLAlchemy's asyncpg dialect does: JSON columns travel as text, decoded with json.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, encoder=lambda value: value, decoder=json.loads, schema="pg_catalog"
        )


class PostgresConnection(Connection):
    def __init__(self, database: Database, raw: asyncpg.Connection) -> None:
        super().__init__(database)
        self.raw = raw

    async def _fetch(
        self, sql: str, args: Sequence[Any]
    ) -> tuple[tuple[str, ...], Sequence[Sequence[Any]]]:
        try:
            rows = await self.raw.fetch(sql, *args)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise IntegrityError(sql, args, error) from error
        return (tuple(rows[0].keys()) if rows else ()), rows

    async def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        try:
            status = await self.raw.execute(sql, *args)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise IntegrityError(sql, args, error) from error
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else -1

    async def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        try:
            await self.raw.executemany(sql, rows)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise IntegrityError(sql, rows, error) from error
        return len(rows)


def asyncpg_dsn(url: str | URL) -> tuple[str, str | None]:
    """A plain DSN for asyncpg and the ``?schema=`` the URL names, if any."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    schema = parsed.query.get("schema")
    plain = parsed.set(drivername="postgresql").difference_update_query(["schema"])
    return plain.render_as_string(hide_password=False), schema if isinstance(schema, str) else None


class PostgresDatabase(Database):
    """A PostgreSQL database, optionally one schema of it."""

    dialect = pg_asyncpg.dialect()  # type: ignore[no-untyped-call]

    def __init__(self, dsn: str, schema: str | None, *, readers: int = 4) -> None:
        if schema is not None and not SCHEMA_NAME.match(schema):
            raise ValueError(f"schema {schema!r} must match {SCHEMA_NAME.pattern}")
        super().__init__()
        self.dsn = dsn
        self.schema = schema
        self._readers = readers
        self._pool: asyncpg.Pool | None = None
        self._writer_conn: PostgresConnection | None = None
        self._listener: asyncpg.Connection | None = None
        self._writer_id = uuid4().hex

    @classmethod
    async def open(
        cls, url: str | URL, schema: str | None = None, *, readers: int = 4
    ) -> PostgresDatabase:
        dsn, from_url = asyncpg_dsn(url)
        database = cls(dsn, schema or from_url, readers=readers)
        if database.schema:
            conn = await asyncpg.connect(dsn)
            try:
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", DDL_LOCK_KEY)
                    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {database.schema}")
            finally:
                await conn.close()
        database._pool = await asyncpg.create_pool(
            dsn, min_size=1, max_size=readers, init=_setup, **database._settings()
        )
        return database

    async def serialize_writers(self, key: int) -> None:
        """Every transaction of the writer takes the advisory lock ``key`` first (in BEGIN's
        round trip). Processes that share this database (a service's workers) then commit one
        after another: each transaction takes further locks (a projection's, the event log's,
        checkpoint rows) in the order its group's units come, and two processes taking them in
        opposite orders deadlocked, each time costing PostgreSQL's deadlock_timeout and a
        failed batch. One process alone never waits on it. Taking turns also tells each
        writer whether another wrote since its last turn (``generation``)."""
        await self.create_all(WRITER_TURNS)
        self._begin_sql = f"BEGIN; SELECT pg_advisory_xact_lock({int(key)})"
        self.writers_serialized = True

    @property
    def generation(self) -> int | None:
        """Inside a unit of work of writers that take turns: moves when another writer
        committed since this one's previous transaction (read under the turn's lock, so
        exact). Elsewhere None: a reader here cannot know what another process wrote since."""
        tx = current_transaction.get()
        return self._generation if tx is not None and tx.database is self else None

    @generation.setter
    def generation(self, value: int | None) -> None:
        self._generation = value

    async def _send(self, driver: Connection, statements: list[str]) -> None:
        await driver.run("; ".join(statements))  # one simple query: one round trip

    async def _began(self, driver: Connection) -> None:
        if not self.writers_serialized:
            return
        rows = await driver.fetch(_LAST_WRITER)
        if not rows or rows[0][0] != self._writer_id:
            self._generation = 0 if self._generation is None else self._generation + 1
            await driver.run(_TAKE_TURN, (self._writer_id,))

    def _settings(self) -> dict[str, Any]:
        return {"server_settings": {"search_path": self.schema}} if self.schema else {}

    def __str__(self) -> str:
        return f"postgresql:{self.schema or 'public'}"

    async def _connect(self) -> asyncpg.Connection:
        conn = await asyncpg.connect(self.dsn, **self._settings())
        await _setup(conn)
        return conn

    async def _writer(self) -> Connection:
        if self._writer_conn is None or self._writer_conn.raw.is_closed():
            self._writer_conn = PostgresConnection(self, await self._connect())
        return self._writer_conn

    async def _writer_failed(self, error: BaseException) -> None:
        await super()._writer_failed(error)
        if self._writer_conn is not None:
            with contextlib.suppress(Exception):
                await self._writer_conn.raw.close(timeout=2)
            self._writer_conn = None

    @contextlib.asynccontextmanager
    async def _reader(self) -> AsyncIterator[Connection]:
        assert self._pool is not None, "open the database with PostgresDatabase.open"
        async with self._pool.acquire() as raw:
            yield PostgresConnection(self, raw)

    async def _lock_ddl(self, tx: Transaction) -> None:
        await tx.run("SELECT pg_advisory_xact_lock($1)", [DDL_LOCK_KEY])

    async def table_names(self) -> set[str]:
        async with self.connect() as conn:
            rows = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        return {row[0] for row in rows}

    async def columns(self, table: str) -> set[str]:
        async with self.connect() as conn:
            rows = await conn.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = $1",
                (table,),
            )
        return {row[0] for row in rows}

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever another connection NOTIFYs ``channel`` (after its commit).
        Not for this database's own writer: its commits tell this process sooner, and the echo
        would only make every follower read the log once more for nothing."""

        def heard(_conn: Any, pid: int, _channel: str, _payload: str) -> None:
            writer = self._writer_conn
            if writer and not writer.raw.is_closed() and writer.raw.get_server_pid() == pid:
                return
            callback()

        await (await self._listening()).add_listener(channel, heard)

    async def subscribe(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback`` with the payload of every NOTIFY on ``channel`` (after its commit)."""
        await (await self._listening()).add_listener(channel, lambda *args: callback(args[-1]))

    async def _listening(self) -> asyncpg.Connection:
        if self._listener is None:
            self._listener = await self._connect()
        return self._listener

    async def _close_connections(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close(timeout=2)
            self._listener = None
        if self._writer_conn is not None:
            with contextlib.suppress(Exception):
                await self._writer_conn.raw.close(timeout=2)
            self._writer_conn = None
        if self._pool is not None:
            with contextlib.suppress(Exception):
                await self._pool.close()
            self._pool = None
