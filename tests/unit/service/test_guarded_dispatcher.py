"""Guarded dispatchers: two processes following one source under the same checkpoints (a Kafka
partition during a rebalance, a relay and its replacement) apply each event once, on a real
database (SQLite, and PostgreSQL with two connections as two processes)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, update

from shared.events.envelope import Envelope
from shared.events.order import SupplierRegistered
from shared.eventstore.port import RecordedEvent
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher
from shared.service.projection import Projection, ProjectionHandler
from shared.sql import Connection, Database
from shared.sql.postgres import PostgresDatabase
from tests.databases import KINDS, fresh_database
from tests.unit.service.test_dispatcher import garbage, registered

SOURCE = "order#3"


class Tally(Projection):
    """Counts events: applying one twice shows (unlike an idempotent upsert)."""

    name = "tally"
    sources = ("order",)
    event_types = (SupplierRegistered,)

    def define_tables(self, metadata: MetaData) -> None:
        self.rows = Table(
            self.table_name("tally"),
            metadata,
            Column("key", String(10), primary_key=True),
            Column("n", Integer, nullable=False),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        await conn.execute(update(self.rows).values(n=self.rows.c.n + 1))


@pytest.fixture
async def records(tmp_path: Path) -> list[RecordedEvent]:
    store = await SqliteEventStore.open(tmp_path / "source.db")
    try:
        for index in range(12):
            event = garbage() if index == 6 else registered(f"s{index}")
            await store.append(f"supplier-{uuid4()}", [event])
        return await store.read_all(0, 100)
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def twin(kind: str, tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    """One database as two processes see it: PostgreSQL through two writers on one schema;
    SQLite (one writer per file) through one."""
    async with fresh_database(kind, tmp_path) as first:
        if not isinstance(first, PostgresDatabase):
            yield first, first
            return
        second = await PostgresDatabase.open(first.dsn, first.schema)
        try:
            yield first, second
        finally:
            await second.close()


async def _prepared(database: Database, tally: Tally) -> None:
    await tally.create_tables(database)
    await CheckpointStore(database).create_tables()
    await DeadLetters(database).create_tables()
    async with database.begin() as tx:
        await tx.execute(tally.rows.insert().values(key="all", n=0))


def _dispatcher(database: Database, tally: Tally) -> Dispatcher:
    handler = ProjectionHandler(tally)
    return Dispatcher(
        SOURCE, None, database, [handler], dead_letters=DeadLetters(database), guarded=True
    )


async def _count(database: Database, tally: Tally) -> int:
    async with database.connect() as conn:
        return int(await conn.scalar(select(tally.rows.c.n)))


@pytest.mark.parametrize("kind", KINDS)
async def test_two_processes_on_one_partition_apply_each_event_once(
    kind: str, tmp_path: Path, records: list[RecordedEvent]
) -> None:
    tally = Tally()
    async with twin(kind, tmp_path) as (one, other):
        await _prepared(one, tally)
        first, second = _dispatcher(one, tally), _dispatcher(other, tally)
        await asyncio.gather(first.load(), second.load())
        # Overlapping slices at once, as a revoked member finishing its batch while the new
        # owner starts over from the committed offset.
        await asyncio.gather(first.dispatch(records[:5]), second.dispatch(records[:3]))
        await asyncio.gather(first.dispatch(records[5:9]), second.dispatch(records[3:10]))
        await asyncio.gather(second.dispatch(records[10:]), first.dispatch(records[9:]))
        letters = await DeadLetters(one).list(ProjectionHandler(tally).name)
        assert await _count(one, tally) == 11  # 12 events, one of which does not parse
        assert [letter.position for letter in letters] == [7]
        held = await CheckpointStore(one).load(tally.consumer_name, SOURCE)
    assert held == records[-1].position
    assert first.position == second.position == held


@pytest.mark.parametrize("kind", KINDS)
async def test_a_late_process_never_moves_a_checkpoint_back(
    kind: str, tmp_path: Path, records: list[RecordedEvent]
) -> None:
    tally = Tally()
    async with twin(kind, tmp_path) as (one, other):
        await _prepared(one, tally)
        ahead, late = _dispatcher(one, tally), _dispatcher(other, tally)
        await ahead.load()
        await late.load()  # both start at 0
        await ahead.dispatch(records)
        await late.dispatch(records[:4])
        assert await _count(one, tally) == 11
        assert await CheckpointStore(one).load(tally.consumer_name, SOURCE) == records[-1].position
    assert late.position == records[-1].position  # it learnt how far the source is done


async def test_a_new_process_takes_up_the_stored_checkpoints(
    tmp_path: Path, records: list[RecordedEvent]
) -> None:
    tally = Tally()
    async with twin("sqlite", tmp_path) as (database, _):
        await _prepared(database, tally)
        before = _dispatcher(database, tally)
        await before.load()
        await before.dispatch(records[:8])
        after = _dispatcher(database, tally)
        await after.load()
        assert after.position == records[7].position
        await after.dispatch(records)  # redelivered from an older offset: only 9.. are new
        assert await _count(database, tally) == 11
