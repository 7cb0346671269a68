"""SQLite: other code can keep read models in the store's database through ``store.engine``."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import text

from shared.eventstore import NewEvent
from shared.eventstore.sqlite import SqliteEventStore


async def test_read_then_write_transactions_on_the_engine_serialise_with_appends(
    tmp_path: Path,
) -> None:
    store = await SqliteEventStore.open(tmp_path / "order.db")
    other_process = await SqliteEventStore.open(tmp_path / "order.db")
    try:
        async with store.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
            await conn.execute(text("INSERT INTO counter VALUES (1, 0)"))

        async def project() -> None:
            for _ in range(10):
                # Read, then write: IMMEDIATE transactions make this safe without SQLITE_BUSY.
                async with store.engine.begin() as conn:
                    n = (await conn.execute(text("SELECT n FROM counter"))).scalar_one()
                    await conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

        async def append() -> None:
            for _ in range(10):
                await other_process.append("order-1", [NewEvent(uuid.uuid4(), "OrderPlaced", {})])

        await asyncio.gather(*(project() for _ in range(4)), append(), append())

        async with store.engine.connect() as conn:
            assert (await conn.execute(text("SELECT n FROM counter"))).scalar_one() == 40
        assert await store.stream_version("order-1") == 20
    finally:
        await store.close()
        await other_process.close()
