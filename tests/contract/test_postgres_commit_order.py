"""On PostgreSQL a read_all follower sees every committed event once, in order, despite races.

Beside it, the naive design (bigserial + ``WHERE position > last_seen``) is shown to skip events.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import uuid
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import asyncpg
import pytest

from shared.eventstore import EventStore, NewEvent
from shared.eventstore.sql import SqlEventStore
from shared.sql import Database
from shared.sql.postgres import asyncpg_dsn

if TYPE_CHECKING:
    from tests.contract.conftest import StoreFactory

pytestmark = pytest.mark.postgres

Connect = Callable[[], contextlib.AbstractAsyncContextManager[asyncpg.Connection]]
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

    def __init__(self, connect: Connect) -> None:
        self.connect = connect
        self.seen: list[uuid.UUID] = []
        self.last_seen = 0

    async def poll(self) -> None:
        query = "SELECT position, event_id FROM naive_log WHERE position > $1 ORDER BY position"
        async with self.connect() as conn:
            for position, event_id in await conn.fetch(query, self.last_seen):
                self.seen.append(event_id)
                self.last_seen = position


async def naive_append(connect: Connect, hold: float) -> uuid.UUID:
    """Insert into the naive log, keeping the transaction open ``hold`` seconds before commit."""
    event_id = uuid.uuid4()
    async with connect() as conn, conn.transaction():
        await conn.execute("INSERT INTO naive_log (event_id) VALUES ($1)", event_id)
        await asyncio.sleep(hold)
    return event_id


async def blocked_backends(engine: Database) -> int:
    """How many sessions of this database wait for a lock (ours wait on the log's advisory lock)."""
    query = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    async with engine.connect() as conn:
        return int((await conn.fetch(query))[0][0])


def an_event() -> NewEvent:
    return NewEvent(uuid.uuid4(), "StockReserved", {"sku": "SKU-1", "quantity": 1})


async def append_held(store: SqlEventStore, stream: str, count: int, hold: float) -> int:
    """Append, then keep the transaction open ``hold`` seconds before it commits: the window in
    which a gap could appear (the positions are taken, the commit is not visible yet)."""
    async with store.engine.begin():
        result = await store.append(stream, [an_event() for _ in range(count)])
        await asyncio.sleep(hold)
    return result.position


async def test_read_all_never_skips_while_a_naive_follower_does(
    pg_store_factory: StoreFactory,
) -> None:
    # Each writer is its own store object: its own writer connection, as another process has.
    store = await pg_store_factory.open(readers=8)
    writers = [await pg_store_factory.open(readers=1) for _ in range(WRITERS)]
    engine = store.engine
    dsn = asyncpg_dsn(pg_store_factory.url or "")[0]

    @contextlib.asynccontextmanager
    async def connect() -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(dsn, server_settings={"search_path": pg_store_factory.schema})
        try:
            yield conn
        finally:
            await conn.close()

    async with connect() as conn:
        await conn.execute(
            "CREATE TABLE naive_log (position bigserial PRIMARY KEY, event_id uuid NOT NULL)"
        )
    ours, naive = Follower(store), NaiveFollower(connect)
    release, holding = asyncio.Event(), asyncio.Event()

    # 1. Deterministic, naive: A takes position p and stays open while B commits p + 1.
    async with connect() as a, connect() as b:
        a_transaction = a.transaction()
        await a_transaction.start()
        held = uuid.uuid4()
        await a.execute("INSERT INTO naive_log (event_id) VALUES ($1)", held)
        async with b.transaction():
            await b.execute("INSERT INTO naive_log (event_id) VALUES ($1)", uuid.uuid4())
        await naive.poll()
        await a_transaction.commit()
    await naive.poll()
    assert held not in naive.seen, "the naive follower should have skipped the late commit"

    # 1. Deterministic, ours: A holds its positions open; B waits for the log lock, cannot overtake.
    async def slow_append() -> int:
        async with writers[0].engine.begin():
            result = await writers[0].append(f"held-{uuid.uuid4()}", [an_event()])
            holding.set()
            await release.wait()
        return result.position

    async def fast_append() -> int:
        return (await writers[1].append(f"fast-{uuid.uuid4()}", [an_event()])).position

    slow = asyncio.create_task(slow_append())
    try:
        async with asyncio.timeout(10):
            await holding.wait()
            fast = asyncio.create_task(fast_append())
            while await blocked_backends(engine) == 0:
                await ours.poll()
            await ours.poll()
            assert ours.seen == [], "nothing may be visible while the first writer is open"
    finally:
        release.set()  # never leave a transaction open: the schema could not be dropped
    slow_position, fast_position = await asyncio.gather(slow, fast)
    assert slow_position < fast_position

    # 2. A storm: 16 writers on separate connections, transactions held open at random.
    naive_written: list[uuid.UUID] = []
    done = asyncio.Event()

    async def writer(own: SqlEventStore) -> None:
        for round_ in range(ROUNDS):
            hold = random.choice([0, 0, 0.001, 0.003])
            await append_held(own, f"order-{uuid.uuid4()}", 1 + round_ % 2, hold)

    async def naive_writer() -> None:
        for _ in range(ROUNDS):
            naive_written.append(await naive_append(connect, random.choice([0, 0.001, 0.005])))

    async def follow(follower: Follower | NaiveFollower) -> None:
        while not done.is_set():
            await follower.poll()

    async with asyncio.timeout(60):
        followers = [asyncio.create_task(follow(ours)), asyncio.create_task(follow(naive))]
        await asyncio.gather(
            *(writer(own) for own in writers), *(naive_writer() for _ in range(WRITERS))
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

    async with connect() as conn:
        committed = {row[0] for row in await conn.fetch("SELECT event_id FROM naive_log")}
    missed = committed - set(naive.seen)
    assert held in missed, "the naive follower should have skipped the late commit"
    storm_missed = len(missed & set(naive_written))
    print(f"naive follower skipped {storm_missed} of {len(naive_written)} storm events")
