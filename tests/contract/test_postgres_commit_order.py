"""On PostgreSQL a read_all follower sees every committed event once, in order, despite races.

Beside it, the naive design (bigserial + ``WHERE position > last_seen``) is shown to skip events.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.eventstore import AppendResult, EventStore, NewEvent

if TYPE_CHECKING:
    from tests.contract.conftest import StoreFactory

pytestmark = pytest.mark.postgres

WRITERS = 16
ROUNDS = 15


class Follower:
    """Follows the store's global log with read_all, as a projection or the outbox relay does."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.seen: list[uuid.UUID] = []
        self.positions: list[int] = []

    async def poll(self) -> None:
        after = self.positions[-1] if self.positions else 0
        for event in await self.store.read_all(after, limit=100):
            self.seen.append(event.event_id)
            self.positions.append(event.position)


class NaiveFollower:
    """SELECT ... WHERE position > last_seen on a bigserial log written with no lock: the bug."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.seen: list[uuid.UUID] = []
        self.last_seen = 0

    async def poll(self) -> None:
        query = text(
            "SELECT position, event_id FROM naive_log WHERE position > :after ORDER BY position"
        )
        async with self.engine.connect() as conn:
            for position, event_id in await conn.execute(query, {"after": self.last_seen}):
                self.seen.append(event_id)
                self.last_seen = position


async def naive_append(engine: AsyncEngine, hold: float) -> uuid.UUID:
    """Insert into the naive log, keeping the transaction open ``hold`` seconds before commit."""
    event_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO naive_log (event_id) VALUES (:id)"), {"id": event_id})
        await asyncio.sleep(hold)
    return event_id


async def blocked_backends(engine: AsyncEngine) -> int:
    """How many sessions of this database wait for a lock (ours wait on the log's advisory lock)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    async with engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


def an_event() -> NewEvent:
    return NewEvent(uuid.uuid4(), "StockReserved", {"sku": "SKU-1", "quantity": 1})


Hook = Callable[[Sequence[AppendResult]], Awaitable[None]]


async def test_read_all_never_skips_while_a_naive_follower_does(
    pg_store_factory: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await pg_store_factory.open(pool_size=40, max_overflow=10)
    engine = store.engine
    async with engine.begin() as conn:
        await conn.execute(
            text("CREATE TABLE naive_log (position bigserial PRIMARY KEY, event_id uuid NOT NULL)")
        )
    ours, naive = Follower(store), NaiveFollower(engine)
    held_stream = f"held-{uuid.uuid4()}"
    release, holding = asyncio.Event(), asyncio.Event()
    storming = False

    async def hold_open(results: Sequence[AppendResult]) -> None:
        # Runs after positions are taken, before commit: the window in which a gap could appear.
        if results[0].stream_id == held_stream:
            holding.set()
            await release.wait()
        elif storming:
            await asyncio.sleep(random.choice([0, 0, 0.001, 0.003]))

    monkeypatch.setattr(store, "_before_commit", hold_open)

    # 1. Deterministic, naive: A takes position p and stays open while B commits p + 1.
    async with engine.connect() as a, engine.connect() as b:
        a_transaction = await a.begin()
        held = uuid.uuid4()
        await a.execute(text("INSERT INTO naive_log (event_id) VALUES (:id)"), {"id": held})
        async with b.begin():
            await b.execute(
                text("INSERT INTO naive_log (event_id) VALUES (:id)"), {"id": uuid.uuid4()}
            )
        await naive.poll()
        await a_transaction.commit()
    await naive.poll()
    assert held not in naive.seen, "the naive follower should have skipped the late commit"

    # 1. Deterministic, ours: A holds its positions open; B waits for the log lock, cannot overtake.
    slow = asyncio.create_task(store.append(held_stream, [an_event()]))
    try:
        async with asyncio.timeout(10):
            await holding.wait()
            fast = asyncio.create_task(store.append(f"fast-{uuid.uuid4()}", [an_event()]))
            while await blocked_backends(engine) == 0:
                await ours.poll()
            await ours.poll()
            assert ours.seen == [], "nothing may be visible while the first writer is open"
    finally:
        release.set()  # never leave a transaction open: the schema could not be dropped
    slow_result, fast_result = await asyncio.gather(slow, fast)
    assert slow_result.position < fast_result.position

    # 2. A storm: 16 writers on separate connections, transactions held open at random.
    storming = True
    naive_written: list[uuid.UUID] = []
    done = asyncio.Event()

    async def writer() -> None:
        for round_ in range(ROUNDS):
            await store.append(f"order-{uuid.uuid4()}", [an_event() for _ in range(1 + round_ % 2)])

    async def naive_writer() -> None:
        for _ in range(ROUNDS):
            naive_written.append(await naive_append(engine, random.choice([0, 0.001, 0.005])))

    async def follow(follower: Follower | NaiveFollower) -> None:
        while not done.is_set():
            await follower.poll()

    async with asyncio.timeout(60):
        followers = [asyncio.create_task(follow(ours)), asyncio.create_task(follow(naive))]
        await asyncio.gather(
            *(writer() for _ in range(WRITERS)), *(naive_writer() for _ in range(WRITERS))
        )
        done.set()
        await asyncio.gather(*followers)
        head = await store.head_position()
        while not ours.positions or ours.positions[-1] < head:
            await ours.poll()
        await naive.poll()

    log = await store.read_all(0, 100_000)
    assert ours.seen == [e.event_id for e in log], "our follower missed or repeated events"
    assert (
        len(set(ours.seen)) == len(ours.seen) == 2 + WRITERS * sum(1 + r % 2 for r in range(ROUNDS))
    )
    assert all(a < b for a, b in itertools.pairwise(ours.positions))

    async with engine.connect() as conn:
        committed = {row[0] for row in await conn.execute(text("SELECT event_id FROM naive_log"))}
    missed = committed - set(naive.seen)
    assert held in missed, "the naive follower should have skipped the late commit"
    storm_missed = len(missed & set(naive_written))
    print(f"naive follower skipped {storm_missed} of {len(naive_written)} storm events")
