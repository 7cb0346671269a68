"""The PostgreSQL adapter (distributed mode): asyncpg, the store's tables in one schema per service.

Commit order: a bigserial is handed out at insert time, not at commit, so a reader could see 8 and
move past 7 before 7 commits. Here every transaction that appends takes ``pg_advisory_xact_lock``
(keyed on this schema's events table) before it reads max(position) and inserts, and holds it
until it ends. PostgreSQL releases a transaction's locks only after its commit is visible, so the
next writer's positions are higher and become visible later: whoever sees position p sees every
position below p. The database's writer takes that same lock as it begins any transaction
(``PostgresDatabase.serialize_writers``), so the processes of one service take turns and never
deadlock. Each such transaction also NOTIFYs the store's channel, which wakes the
subscriptions of every process at once.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from shared.eventstore.schema import metadata
from shared.eventstore.sql import SqlEventStore
from shared.sql.postgres import LOCK_NAMESPACE, PostgresDatabase


class PostgresEventStore(SqlEventStore):
    """An EventStore in a PostgreSQL database, optionally inside its own schema."""

    @classmethod
    async def open(
        cls,
        url: str | URL,
        schema: str | None = None,
        *,
        poll_interval: float = 2.0,
        readers: int = 4,
    ) -> PostgresEventStore:
        """Connect and create the schema and tables if missing.

        ``schema`` may also come from the URL's ``?schema=`` query; it becomes the search_path of
        every connection, so read models created through ``engine`` land beside the events.
        """
        database = await PostgresDatabase.open(url, schema, readers=readers)
        try:
            return await cls.on(database, poll_interval=poll_interval)
        except BaseException:
            await database.close()
            raise

    @classmethod
    async def on(
        cls, database: PostgresDatabase, *, poll_interval: float = 2.0
    ) -> PostgresEventStore:
        """The store in an opened database (creating its tables)."""
        await database.create_all(metadata)
        async with database.connect() as conn:
            oid = (await conn.fetch("SELECT 'events'::regclass::oid"))[0][0]
        store = cls(database, poll_interval=poll_interval)
        store._log_lock_key = LOCK_NAMESPACE << 32 | int(oid)
        await database.serialize_writers(store._log_lock_key)
        store._notify_channel = f"b2b_events_{oid}"
        await database.listen(store._notify_channel, store._appended.fire)
        return store
