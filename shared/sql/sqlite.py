"""SQLite on the standard sqlite3 driver, called on the event loop's thread.

A statement takes microseconds, so a thread hop would cost more than the work. One writer
connection per database in this process (WAL: readers never wait for it); readers have their
own connections. Nothing sleeps in SQLite's busy handler unless another *process* holds the
write lock (``busy_timeout`` is the bound then).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.exc import IntegrityError

from shared.sql.database import Connection, Database

BUSY_TIMEOUT_MS = 5_000
_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    f"busy_timeout={BUSY_TIMEOUT_MS}",
    "foreign_keys=ON",
)


def _open(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, cached_statements=512
    )
    for pragma in _PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    return conn


class SqliteConnection(Connection):
    def __init__(self, database: Database, raw: sqlite3.Connection) -> None:
        super().__init__(database)
        self.raw = raw

    async def _fetch(
        self, sql: str, args: Sequence[Any]
    ) -> tuple[tuple[str, ...], Sequence[Sequence[Any]]]:
        try:
            cursor = self.raw.execute(sql, args)
            rows = cursor.fetchall()
        except sqlite3.IntegrityError as error:
            raise IntegrityError(sql, args, error) from error
        description = cursor.description
        return tuple(d[0] for d in description) if description else (), rows

    async def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        try:
            return self.raw.execute(sql, args).rowcount
        except sqlite3.IntegrityError as error:
            raise IntegrityError(sql, args, error) from error

    async def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        try:
            return self.raw.executemany(sql, rows).rowcount
        except sqlite3.IntegrityError as error:
            raise IntegrityError(sql, rows, error) from error


class SqliteDatabase(Database):
    """One SQLite file."""

    dialect = pysqlite.dialect(paramstyle="qmark")

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if str(path) in ("", ":memory:"):
            raise ValueError("SQLite needs a file: the writer and the readers share it")
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer_conn: SqliteConnection | None = None
        self._data_version: int | None = None
        self._idle_readers: list[SqliteConnection] = []
        self._readers: list[SqliteConnection] = []

    _begin_sql = "BEGIN IMMEDIATE"
    _shared: dict[Path, tuple[SqliteDatabase, int]] = {}

    @classmethod
    def shared(cls, path: Path) -> SqliteDatabase:
        """The process's one database object for ``path`` (one writer per file); each call
        must be matched by a :meth:`close`, the last of which closes it."""
        key = path.resolve()
        found = cls._shared.get(key)
        if found is None or found[0]._closed:
            database = cls(path)
            cls._shared[key] = (database, 1)
            return database
        cls._shared[key] = (found[0], found[1] + 1)
        return found[0]

    async def close(self) -> None:
        key = self.path.resolve()
        found = self._shared.get(key)
        if found is not None and found[0] is self:
            if found[1] > 1:
                self._shared[key] = (self, found[1] - 1)
                return
            del self._shared[key]
        await super().close()

    def __str__(self) -> str:
        return f"sqlite:{self.path.name}"

    async def _began(self, driver: Connection) -> None:
        # data_version moves when another connection (another process) committed: what this
        # process cached may be stale then. Our own commits never move it.
        [(version,)] = await driver.fetch("PRAGMA data_version")
        if version != self._data_version:
            self._data_version = version
            self.generation = 0 if self.generation is None else self.generation + 1

    async def _writer(self) -> Connection:
        if self._writer_conn is None:
            self._writer_conn = SqliteConnection(self, _open(str(self.path)))
        return self._writer_conn

    @contextlib.asynccontextmanager
    async def _reader(self) -> AsyncIterator[Connection]:
        if self._idle_readers:
            conn = self._idle_readers.pop()
        else:
            conn = SqliteConnection(self, _open(str(self.path)))
            self._readers.append(conn)
        try:
            yield conn
        finally:
            if conn.raw.in_transaction:  # a reader never leaves a snapshot open
                conn.raw.execute("ROLLBACK")
            self._idle_readers.append(conn)

    async def table_names(self) -> set[str]:
        async with self.connect() as conn:
            rows = await conn.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}

    async def columns(self, table: str) -> set[str]:
        async with self.connect() as conn:
            rows = await conn.fetch("SELECT name FROM pragma_table_info(?)", (table,))
        return {row[0] for row in rows}

    async def _close_connections(self) -> None:
        for conn in self._readers:
            conn.raw.close()
        self._readers.clear()
        self._idle_readers.clear()
        if self._writer_conn is not None:
            self._writer_conn.raw.close()
            self._writer_conn = None
