"""The PostgreSQL adapter (distributed mode): asyncpg, the store's tables in one schema per service.

Commit order: a bigserial is handed out at insert time, not at commit, so a reader could see 8 and
move past 7 before 7 commits. Here every append takes ``pg_advisory_xact_lock`` (keyed on this
schema's events table) just before it reads max(position) and inserts, and holds it until it ends.
PostgreSQL releases a transaction's locks only after its commit is visible, so the next writer's
positions are higher and become visible later: whoever sees position p sees every position below p.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from shared.eventstore.schema import metadata
from shared.eventstore.sqlalchemy_store import SqlEventStore

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_LOCK_NAMESPACE = 0x62326265  # high half of every advisory lock key this module takes
_DDL_LOCK_KEY = _LOCK_NAMESPACE << 32


class PostgresEventStore(SqlEventStore):
    """An EventStore in a PostgreSQL database, optionally inside its own schema."""

    @classmethod
    async def open(
        cls,
        url: str | URL,
        schema: str | None = None,
        *,
        pool_size: int = 5,
        max_overflow: int = 10,
        poll_interval: float = 0.2,
    ) -> PostgresEventStore:
        """Connect and create the schema and tables if missing.

        ``schema`` may also come from the URL's ``?schema=`` query; it becomes the search_path of
        every connection of ``engine``, so read models created through it land beside the events.
        """
        url, schema = _asyncpg_url(url, schema)
        if schema:
            await _create_schema(url, schema)
        settings = {"search_path": schema} if schema else {}
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            connect_args={"server_settings": settings},
        )
        try:
            async with engine.begin() as conn:
                key = await _create_tables(conn)
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine, log_lock_key=key, poll_interval=poll_interval)

    def __init__(self, engine: AsyncEngine, *, log_lock_key: int, poll_interval: float) -> None:
        super().__init__(
            engine,
            poll_interval=poll_interval,
            # Appends rely on each statement seeing what committed before it (module docstring).
            writer=engine.execution_options(isolation_level="READ COMMITTED"),
        )
        self._log_lock_key = log_lock_key

    async def _lock_log(self, conn: AsyncConnection) -> None:
        # Its own statement: the next statement's snapshot must be taken after the lock is granted.
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self._log_lock_key})


def _asyncpg_url(url: str | URL, schema: str | None) -> tuple[URL, str | None]:
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    query_schema = parsed.query.get("schema")
    schema = schema or (query_schema if isinstance(query_schema, str) else None)
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise ValueError(f"schema {schema!r} must match {_SCHEMA_NAME.pattern}")
    return parsed.set(drivername="postgresql+asyncpg").difference_update_query(["schema"]), schema


async def _create_schema(url: URL, schema: str) -> None:
    # Before the store's engine first connects, so that it learns its schema as current_schema().
    bootstrap = create_async_engine(url, poolclass=NullPool)
    try:
        async with bootstrap.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DDL_LOCK_KEY})
            await conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    finally:
        await bootstrap.dispose()


async def _create_tables(conn: AsyncConnection) -> int:
    """Create what is missing (one process at a time); return the log's lock key."""
    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DDL_LOCK_KEY})
    await conn.run_sync(metadata.create_all)
    oid = (await conn.execute(text("SELECT 'events'::regclass::oid"))).scalar_one()
    return _LOCK_NAMESPACE << 32 | int(oid)
