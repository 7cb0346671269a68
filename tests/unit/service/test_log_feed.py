"""The in-process log feed keeps in memory only the events a follower has yet to take: after a
burst, a window of decoded events is what the garbage collector's full passes walk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest

from shared.eventstore import NewEvent, StreamAppend
from shared.eventstore.port import RecordedEvent
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.hub import LogFeed


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteEventStore]:
    opened = await SqliteEventStore.open(tmp_path / "events.db")
    yield opened
    await opened.close()


async def append(store: SqliteEventStore, count: int) -> None:
    """``count`` events in one commit (the feed reads them as one batch)."""
    await store.append_many(
        [
            StreamAppend(f"stock-{uuid4()}", [NewEvent(uuid4(), "StockReserved", {})])
            for _ in range(count)
        ]
    )


async def take(batches: AsyncIterator[list[RecordedEvent]], until: int) -> list[int]:
    """Positions from the follower's next batches, up to ``until``."""
    taken: list[int] = []
    while not taken or taken[-1] < until:
        taken += [e.position for e in await asyncio.wait_for(anext(batches), 5)]
    return taken


async def test_the_window_holds_only_what_a_follower_has_yet_to_take(
    store: SqliteEventStore,
) -> None:
    feed = LogFeed(store)
    fast, slow = feed.batches(0), feed.batches(0)
    first = [asyncio.ensure_future(anext(follower)) for follower in (fast, slow)]
    try:
        await asyncio.sleep(0.05)  # both follow from the start
        await append(store, 5)
        for batch in await asyncio.wait_for(asyncio.gather(*first), 5):
            assert [e.position for e in batch] == [1, 2, 3, 4, 5]
        await append(store, 3)

        assert await take(fast, 8) == [6, 7, 8]
        assert feed.held == 8, "the slow follower has not asked for more: it may still need 1-5"
        assert await take(slow, 8) == [6, 7, 8]
        assert feed.held == 3, "both are done with 1-5"

        late = feed.batches(0)  # a new follower reads what was dropped from the store
        assert await take(late, 8) == [1, 2, 3, 4, 5, 6, 7, 8]
        await late.aclose()
    finally:
        await fast.aclose()
        await slow.aclose()
        await feed.stop()
    assert feed.held == 3
