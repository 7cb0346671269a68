"""The SQLite adapter (embedded mode): one database file per service, WAL, sqlite3 on the loop.

One writer per file in a process (stores opened on the same file share it); appends are units
of work on it, so positions are taken in commit order.
"""

from __future__ import annotations

import os
from pathlib import Path

from shared.eventstore.schema import metadata
from shared.eventstore.sql import SqlEventStore
from shared.sql.sqlite import SqliteDatabase


class SqliteEventStore(SqlEventStore):
    """An EventStore in one SQLite file."""

    @classmethod
    async def open(
        cls, path: str | os.PathLike[str], *, poll_interval: float = 2.0
    ) -> SqliteEventStore:
        """Open (creating if needed) the database file and its tables."""
        if str(path) in ("", ":memory:"):
            raise ValueError("the SQLite event store needs a file: its connections share it")
        database = SqliteDatabase.shared(Path(path))
        await database.create_all(metadata)
        return cls(database, poll_interval=poll_interval)
