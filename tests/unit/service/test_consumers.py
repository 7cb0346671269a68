"""Consumers and projections on a real SQLite store: checkpoints, dead letters, read-your-writes."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.envelope import Envelope, new_event_id
from shared.events.order import SupplierRegistered
from shared.eventstore.port import NewEvent, RecordedEvent
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.consumer import Consumer, Source
from shared.messaging.dead_letters import DeadLetters
from shared.service.codec import to_new_event
from shared.service.context import utc_now
from shared.service.policy import decode
from shared.service.projection import Projection, ProjectionRunner
from tests.helpers import eventually


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteEventStore]:
    opened = await SqliteEventStore.open(tmp_path / "events.db")
    await CheckpointStore(opened.engine).create_tables()
    await DeadLetters(opened.engine).create_tables()
    yield opened
    await opened.close()


def registered(name: str, supplier: UUID | None = None) -> NewEvent:
    event = SupplierRegistered(supplier_id=supplier or uuid4(), name=name, currency="EUR")
    return to_new_event(
        event,
        event_id=new_event_id(),
        occurred_at=utc_now(),
        correlation_id=None,
        causation_id=None,
        actor="test",
    )


def garbage() -> NewEvent:
    return NewEvent(new_event_id(), "SupplierRegistered", {"name": 42}, 1, {"occurred_at": "x"})


@contextlib.asynccontextmanager
async def running(work: object) -> AsyncIterator[None]:
    task = asyncio.ensure_future(work)  # type: ignore[arg-type]
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_consumer_dead_letters_a_poison_event_and_keeps_going(
    store: SqliteEventStore,
) -> None:
    seen: list[str] = []

    async def handle(record: RecordedEvent) -> None:
        seen.append(decode(record).event.name)  # type: ignore[attr-defined]

    await store.append("supplier-a", [registered("first")])
    await store.append("supplier-b", [garbage()])
    await store.append("supplier-c", [registered("third")])
    dead_letters = DeadLetters(store.engine)
    consumer = Consumer(
        "names",
        Source("order", store),
        handle,
        checkpoints=CheckpointStore(store.engine),
        dead_letters=dead_letters,
    )
    async with running(consumer.run()):
        await eventually(lambda: asyncio.sleep(0, seen), lambda s: len(s) == 2)
        await eventually(
            lambda: CheckpointStore(store.engine).load("names", "order"), lambda p: p == 3
        )
    assert seen == ["first", "third"]
    [letter] = await dead_letters.list("names")
    assert (letter.position, letter.event_type, letter.attempts) == (2, "SupplierRegistered", 1)

    async with running(consumer.run()):  # a restart resumes after its checkpoint
        await store.append("supplier-d", [registered("fourth")])
        await eventually(lambda: asyncio.sleep(0, seen), lambda s: len(s) == 3)
    assert seen == ["first", "third", "fourth"]


async def test_consumer_retries_a_failing_handler_before_dead_lettering(
    store: SqliteEventStore,
) -> None:
    attempts: list[int] = []

    async def flaky(record: RecordedEvent) -> None:
        attempts.append(record.position)
        if len(attempts) < 3:
            raise RuntimeError("database briefly away")

    await store.append("supplier-a", [registered("a")])
    consumer = Consumer(
        "flaky",
        Source("order", store),
        flaky,
        checkpoints=CheckpointStore(store.engine),
        dead_letters=DeadLetters(store.engine),
        retry_delay=0.001,
    )
    async with running(consumer.run()):
        await eventually(
            lambda: CheckpointStore(store.engine).load("flaky", "order"), lambda p: p == 1
        )
    assert attempts == [1, 1, 1]
    assert await DeadLetters(store.engine).count() == 0


class SupplierNames(Projection):
    name = "supplier_names"
    sources = ("order",)
    event_types = ("SupplierRegistered",)

    def define_tables(self, metadata: MetaData) -> None:
        self.rows = Table(
            self.table_name("supplier_names"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("name", String(200), nullable=False),
        )

    async def apply(self, conn: AsyncConnection, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, SupplierRegistered)
        if event.name == "explode":
            raise ValueError("cannot project this one")
        await conn.execute(
            self.rows.insert().values(supplier_id=str(event.supplier_id), name=event.name)
        )


async def test_projection_rows_and_checkpoint_commit_together(store: SqliteEventStore) -> None:
    projection = SupplierNames()
    await projection.create_tables(store.engine)
    runner = ProjectionRunner(
        projection, Source("order", store), store.engine, dead_letters=DeadLetters(store.engine)
    )
    for name in ("a", "explode", "c"):
        await store.append(f"supplier-{name}", [registered(name)])
    async with running(runner.run()):
        assert await runner.wait_for(3, timeout=10)
    async with store.engine.connect() as conn:
        names = (await conn.execute(select(projection.rows.c.name))).scalars().all()
        checkpoint = await CheckpointStore.load_in(conn, projection.consumer_name, "order")
    assert sorted(names) == ["a", "c"]
    assert checkpoint == 3
    [letter] = await DeadLetters(store.engine).list(projection.consumer_name)
    assert letter.position == 2


async def test_wait_for_times_out_when_the_projection_is_behind(store: SqliteEventStore) -> None:
    projection = SupplierNames()
    runner = ProjectionRunner(
        projection, Source("order", store), store.engine, dead_letters=DeadLetters(store.engine)
    )
    assert not await runner.wait_for(1, timeout=0.05)
