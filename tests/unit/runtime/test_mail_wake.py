"""The mail sender is woken by the commits that queue mail, after they commit, and by no other
commit (its own marks among them: each would cost it two needless look-ups of the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runtime.notifications.store import MailStore
from shared.sql.sqlite import SqliteDatabase


async def queue_then_fail(store: MailStore, database: SqliteDatabase) -> None:
    async with database.begin():
        await store.enqueue("order_placed", "supplier", "order-1", "event-1", {})
        raise RuntimeError("the unit fails")


async def test_only_a_committed_queueing_wakes_the_sender(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "notifications.db")
    store = MailStore(database)
    await store.create_tables()
    woken: list[str] = []
    store.queued = lambda: woken.append("woken")
    try:
        async with database.begin():
            assert await store.enqueue("order_placed", "buyer", "order-1", "event-1", {})
            assert woken == [], "not before the commit"
        assert woken == ["woken"]

        assert not await store.enqueue("order_placed", "buyer", "order-1", "event-1", {})
        [row] = await store.due(datetime.now(UTC) + timedelta(minutes=1), 10)
        await store.mark_many([(row["msg_id"], {"status": "sent"})])
        await store.party("party-1", "buyer", "Buyer", "buyer@example.test", "en")
        assert woken == ["woken"], "a duplicate, a mark or a directory row queues nothing"

        with pytest.raises(RuntimeError):
            await queue_then_fail(store, database)
        assert woken == ["woken"], "a rolled-back queueing wakes nobody"
    finally:
        await database.close()
