"""Opens the event store a URL names: a SQLite file, a PostgreSQL database or KurrentDB."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlite import SqliteEventStore

KURRENTDB_SCHEMES = ("kurrentdb", "kurrentdb+discover", "esdb", "esdb+discover")


async def open_event_store(url: str) -> EventStore:
    """Open the store a URL names, creating its tables.

    ``sqlite+aiosqlite:///path`` or a plain path: SQLite.
    ``postgresql[+asyncpg]://…[?schema=name]``: PostgreSQL.
    ``kurrentdb[+discover]://…[?namespace=name]`` or ``esdb[+discover]://…``: KurrentDB.
    """
    if "://" not in url:
        return await SqliteEventStore.open(url)
    if url.split("://", 1)[0] in KURRENTDB_SCHEMES:
        from shared.eventstore.kurrentdb import KurrentDbEventStore

        return await KurrentDbEventStore.open(url)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database:
            raise ValueError(f"a SQLite event store needs a file path: {url}")
        return await SqliteEventStore.open(parsed.database)
    if backend in ("postgresql", "postgres"):
        return await PostgresEventStore.open(parsed)
    raise ValueError(f"no event store adapter for {backend!r} URLs")
