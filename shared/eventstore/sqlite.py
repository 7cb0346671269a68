"""The SQLite adapter (embedded mode): one database file per service, WAL, aiosqlite.

SQLite has one writer at a time; appends begin IMMEDIATE, so positions are taken in commit order.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from shared.eventstore.schema import metadata
from shared.eventstore.sqlalchemy_store import SqlEventStore

SQLITE_BEGIN = "sqlite_begin"
"""Execution option: how a transaction on this engine begins, IMMEDIATE (default) or DEFERRED.

IMMEDIATE takes the write lock up front, so a transaction that reads then writes never fails with
SQLITE_BUSY; pure readers may use ``engine.execution_options(sqlite_begin="DEFERRED")``.
"""

_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})
_BUSY_TIMEOUT_MS = 10_000


class SqliteEventStore(SqlEventStore):
    """An EventStore in one SQLite file."""

    @classmethod
    async def open(
        cls, path: str | os.PathLike[str], *, poll_interval: float = 0.2
    ) -> SqliteEventStore:
        """Open (creating if needed) the database file and its tables."""
        if str(path) in ("", ":memory:"):
            raise ValueError("the SQLite event store needs a file: its connections share it")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = ReadsDeferredEngine(
            create_async_engine(URL.create("sqlite+aiosqlite", database=str(path))).sync_engine
        )
        event.listen(engine.sync_engine, "connect", _configure_connection)
        event.listen(engine.sync_engine, "begin", _begin)
        store = cls(
            engine,
            poll_interval=poll_interval,
            reader=engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"}),
        )
        async with store._write_transaction() as conn:
            await conn.run_sync(metadata.create_all)
        return store

    def __init__(
        self, engine: AsyncEngine, *, poll_interval: float, reader: AsyncEngine | None = None
    ) -> None:
        super().__init__(engine, poll_interval=poll_interval, reader=reader)
        # Appends in this process queue here rather than spinning in SQLite's busy handler.
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def _write_transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self._write_lock, super()._write_transaction() as conn:
            yield conn


class ReadsDeferredEngine(AsyncEngine):
    """``connect()`` reads in DEFERRED transactions, ``begin()`` writes IMMEDIATE.

    Queries (``async with engine.connect()``) then never take the write lock, so readers
    neither wait behind writers nor make them wait; every write goes through ``begin()``.
    """

    __slots__ = ("_reading",)

    def __init__(self, sync_engine: Engine) -> None:
        super().__init__(sync_engine)
        self._reading = AsyncEngine(sync_engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"}))

    def connect(self) -> AsyncConnection:
        return self._reading.connect()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with super().connect() as conn, conn.begin():
            yield conn


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy, not the sqlite3 module, decides when a transaction begins (see _begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        f"busy_timeout={_BUSY_TIMEOUT_MS}",
        "foreign_keys=ON",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin(conn: Connection) -> None:
    mode = str(conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")).upper()
    if mode not in _BEGIN_MODES:
        raise ValueError(f"{SQLITE_BEGIN} must be one of {sorted(_BEGIN_MODES)}, not {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")
