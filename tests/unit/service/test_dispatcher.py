"""Dispatchers on a real SQLite store: decode once, one commit per batch, per-handler dead
letters, checkpoints with the effects, read-your-writes waits."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Column, MetaData, String, Table, select

from shared.events import envelope as envelope_module
from shared.events.envelope import Envelope, new_event_id
from shared.events.order import SupplierRegistered
from shared.eventstore.port import NewEvent
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.consumer import PerEvent
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Item
from shared.service.codec import to_new_event
from shared.service.context import utc_now
from shared.service.projection import Projection
from shared.sql import Connection
from tests.following import caught_up, following


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


class SupplierNames(Projection):
    name = "supplier_names"
    sources = ("order",)
    event_types = (SupplierRegistered,)

    def define_tables(self, metadata: MetaData) -> None:
        self.rows = Table(
            self.table_name("supplier_names"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("name", String(200), nullable=False),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, SupplierRegistered)
        if event.name == "explode":
            raise ValueError("cannot project this one")
        await conn.execute(
            self.rows.insert().values(supplier_id=str(event.supplier_id), name=event.name)
        )


def names_handler(seen: list[str], name: str = "names") -> PerEvent:
    async def handle(item: Item) -> None:
        seen.append(item.envelope.event.name)  # type: ignore[attr-defined]

    return PerEvent(name, handle, event_types={"SupplierRegistered"})


async def letters(store: SqliteEventStore, consumer: str) -> list[tuple[int, str, int]]:
    found = await DeadLetters(store.engine).list(consumer)
    return [(letter.position, letter.event_type, letter.attempts) for letter in found]


async def test_a_poison_event_is_dead_lettered_and_the_dispatcher_keeps_going(
    store: SqliteEventStore,
) -> None:
    seen: list[str] = []
    await store.append("supplier-a", [registered("first")])
    await store.append("supplier-b", [garbage()])
    await store.append("supplier-c", [registered("third")])
    stores = {"order": store}
    async with following(stores, store.engine, handlers={"order": [names_handler(seen)]}) as d:
        await caught_up(d, stores)
    assert seen == ["first", "third"]
    assert await letters(store, "names") == [(2, "SupplierRegistered", 1)]
    assert await CheckpointStore(store.engine).load("names", "order") == 3

    async with following(stores, store.engine, handlers={"order": [names_handler(seen)]}) as d:
        await store.append("supplier-d", [registered("fourth")])
        await caught_up(d, stores)  # a restart resumes after its checkpoint
    assert seen == ["first", "third", "fourth"]


async def test_a_failing_handler_is_retried_before_it_is_dead_lettered(
    store: SqliteEventStore,
) -> None:
    attempts: list[int] = []

    async def flaky(item: Item) -> None:
        attempts.append(item.record.position)
        if len(attempts) < 3:
            raise RuntimeError("a conflict with another process")

    await store.append("supplier-a", [registered("a")])
    handler = PerEvent("flaky", flaky, event_types=None)
    stores = {"order": store}
    async with following(stores, store.engine, handlers={"order": [handler]}) as d:
        await caught_up(d, stores)
    assert attempts == [1, 1, 1]
    assert await DeadLetters(store.engine).count() == 0


async def test_a_failing_event_is_dead_lettered_for_its_projection_only(
    store: SqliteEventStore,
) -> None:
    projection = SupplierNames()
    seen: list[str] = []
    for name in ("a", "explode", "c"):
        await store.append(f"supplier-{name}", [registered(name)])
    stores = {"order": store}
    async with following(
        stores, store.engine, projections=[projection], handlers={"order": [names_handler(seen)]}
    ) as dispatchers:
        await caught_up(dispatchers, stores)
    async with store.engine.connect() as conn:
        names = (await conn.execute(select(projection.rows.c.name))).scalars().all()
        checkpoint = await CheckpointStore.load_in(conn, projection.consumer_name, "order")
    assert sorted(names) == ["a", "c"]
    assert checkpoint == 3
    assert await letters(store, projection.consumer_name) == [(2, "SupplierRegistered", 1)]
    assert seen == ["a", "explode", "c"]  # the other handler of the batch saw every event
    assert await letters(store, "names") == []


async def test_a_batch_is_decoded_once_and_committed_once_for_every_handler(
    store: SqliteEventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in "abcde":
        await store.append(f"supplier-{name}", [registered(name)])
    decoded: list[int] = []
    original = envelope_module.envelope_from_recorded

    def counting(record: object, *args: object) -> Envelope:
        decoded.append(record.position)  # type: ignore[attr-defined]
        return original(record)  # type: ignore[arg-type]

    monkeypatch.setattr("shared.messaging.decoding.envelope_from_recorded", counting)
    seen: list[list[str]] = [[], [], []]
    handlers = [names_handler(seen[i], f"names-{i}") for i in range(3)]
    projection = SupplierNames()
    stores = {"order": store}
    before = store.engine.commits
    async with following(
        stores, store.engine, projections=[projection], handlers={"order": handlers}
    ) as dispatchers:
        await caught_up(dispatchers, stores)
    assert sorted(decoded) == [1, 2, 3, 4, 5]
    assert seen == [list("abcde")] * 3
    # table creation, then one unit for the whole batch (rows, checkpoints of four handlers)
    assert store.engine.commits - before <= 4
    checkpoints = CheckpointStore(store.engine)
    for name in ("names-0", "names-1", "names-2", projection.consumer_name):
        assert await checkpoints.load(name, "order") == 5


async def test_wait_for_times_out_while_a_handler_is_behind(store: SqliteEventStore) -> None:
    gate = asyncio.Event()

    async def slow(_envelopes: Sequence[Envelope]) -> None:
        await gate.wait()

    async def nothing(_item: Item) -> None:
        return None

    handler = PerEvent("slow", nothing, event_types=None, ready=slow)
    await store.append("supplier-a", [registered("a")])
    stores = {"order": store}
    async with following(stores, store.engine, handlers={"order": [handler]}) as [dispatcher]:
        assert not await dispatcher.wait_for("slow", 1, timeout=0.05)
        gate.set()
        assert await dispatcher.wait_for("slow", 1, timeout=5)
