"""Rebuild: replay into suffixed tables, verify row for row, swap, hand the checkpoint over."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text, update

from shared.events.envelope import Envelope, metadata_for, new_event_id
from shared.events.order import SupplierRegistered
from shared.eventstore.port import NewEvent
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sql import SqlEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher
from shared.service.context import utc_now
from shared.service.projection import Projection
from shared.service.rebuild import Rebuild, RebuildMismatch, rebuild_together
from shared.service.rebuild_on_start import rebuild_if_version_changed
from shared.service.sql import upsert
from shared.sql import Connection
from tests.following import caught_up as all_caught_up
from tests.following import following


class SupplierNames(Projection):
    """Suppliers seen in two sources: a name and how many events named them."""

    name = "supplier_names"
    version = 1
    sources = ("a", "b")
    event_types = (SupplierRegistered,)

    def define_tables(self, metadata: MetaData) -> None:
        self.rows = Table(
            self.table_name(self.name),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("name", String(100), nullable=False),
            Column("seen", Integer, nullable=False),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        key = str(event.supplier_id)
        seen = await conn.scalar(select(self.rows.c.seen).where(self.rows.c.supplier_id == key))
        values = {"supplier_id": key, "name": event.name, "seen": (seen or 0) + 1}
        await upsert(conn, self.rows, values, key=("supplier_id",))


class SupplierNamesV2(SupplierNames):
    version = 2


class SuppliersInA(SupplierNames):
    """The same rows from one source only: rebuilt together with SupplierNames, it must see
    only its own source's events."""

    name = "suppliers_in_a"
    sources = ("a",)


def registered(supplier: UUID, name: str) -> NewEvent:
    data = {"supplier_id": str(supplier), "name": name, "currency": "EUR"}
    return NewEvent(new_event_id(), "SupplierRegistered", data, 1, metadata_for(utc_now()))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[dict[str, SqlEventStore]]:
    """Two sources, "a" holding the projection: SQLite files, or PostgreSQL schemas."""
    url = os.environ.get("DATABASE_URL", "")
    if request.param == "postgres" and not url:
        pytest.skip("PostgreSQL not available: set DATABASE_URL (make test starts one)")
    schema = f"rebuild_{uuid4().hex[:10]}"
    opened: dict[str, SqlEventStore] = {}
    for name in ("a", "b"):
        if request.param == "sqlite":
            opened[name] = await SqliteEventStore.open(tmp_path / f"{name}.db")
        else:
            opened[name] = await PostgresEventStore.open(url, schema=f"{schema}_{name}")
        await CheckpointStore(opened[name].engine).create_tables()
        await DeadLetters(opened[name].engine).create_tables()
    yield opened
    for name, store in opened.items():
        if request.param == "postgres":
            async with store.engine.begin() as conn:
                await conn.execute(text(f"DROP SCHEMA {schema}_{name} CASCADE"))
        await store.close()


@contextlib.asynccontextmanager
async def live(
    projection: Projection, stores: dict[str, SqlEventStore]
) -> AsyncIterator[list[Dispatcher]]:
    async with following(stores, stores["a"].engine, projections=[projection]) as dispatchers:
        yield dispatchers


async def caught_up(dispatchers: list[Dispatcher], stores: dict[str, SqlEventStore]) -> None:
    await all_caught_up(dispatchers, stores)


async def rows(projection: Projection, store: SqlEventStore) -> list[tuple[object, ...]]:
    table = projection.tables[0]
    async with store.engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(select(table).order_by(table.c[0]))).all()]


async def fill(stores: dict[str, SqlEventStore], count: int) -> list[UUID]:
    suppliers = [uuid4() for _ in range(count)]
    for index, supplier in enumerate(suppliers):
        await stores["a"].append(f"supplier-{supplier}", [registered(supplier, f"s{index}")])
        await stores["b"].append(f"copy-{supplier}", [registered(supplier, f"s{index}")])
    return suppliers


async def test_replay_swaps_identical_rows_while_the_live_runners_keep_going(
    stores: dict[str, SqlEventStore],
) -> None:
    projection = SupplierNames()
    await fill(stores, 30)
    async with live(projection, stores) as runners:
        await caught_up(runners, stores)
        before = await rows(projection, stores["a"])
        report = await Rebuild(projection, stores, stores["a"].engine, batch_size=7).run()
        assert report.verified
        assert report.swapped
        assert report.rows == {"supplier_names": 30}
        assert await rows(projection, stores["a"]) == before
        # The live runners write into the swapped-in tables from the handed-over checkpoint.
        late = await fill(stores, 2)
        await caught_up(runners, stores)
        after = dict((r[0], r[2]) for r in await rows(projection, stores["a"]))
        assert len(after) == 32
        assert all(after[str(s)] == 2 for s in late)
    names = await stores["a"].engine.table_names()
    assert [n for n in names if n.startswith("supplier_names")] == ["supplier_names"]


async def test_replay_refuses_to_swap_rows_that_differ(
    stores: dict[str, SqlEventStore],
) -> None:
    projection = SupplierNames()
    await fill(stores, 5)
    async with live(projection, stores) as runners:
        await caught_up(runners, stores)
    table = projection.tables[0]
    async with stores["a"].engine.begin() as conn:
        await conn.execute(update(table).values(seen=99))
    with pytest.raises(RebuildMismatch, match="supplier_names"):
        await Rebuild(projection, stores, stores["a"].engine).run()
    assert {r[2] for r in await rows(projection, stores["a"])} == {99}


async def test_a_changed_code_version_is_rebuilt_on_start(
    stores: dict[str, SqlEventStore],
) -> None:
    await fill(stores, 4)
    async with live(SupplierNames(), stores) as runners:
        await caught_up(runners, stores)
    async with stores["a"].engine.begin() as conn:  # the old code's rows were wrong
        await conn.execute(text("UPDATE supplier_names SET seen = 0"))
    v2 = SupplierNamesV2()
    report = await rebuild_if_version_changed(v2, stores, stores["a"].engine)
    assert report is not None
    assert report.swapped
    assert not report.verified
    assert {r[2] for r in await rows(v2, stores["a"])} == {2}
    checkpoints = CheckpointStore(stores["a"].engine)
    assert await checkpoints.load(v2.consumer_name, "a") == await stores["a"].head_position()
    assert await checkpoints.load(SupplierNames().consumer_name, "a") == 0
    assert await rebuild_if_version_changed(v2, stores, stores["a"].engine) is None


async def test_projections_rebuilt_together_read_each_source_once_and_swap_identical_rows(
    stores: dict[str, SqlEventStore],
) -> None:
    both, one = SupplierNames(), SuppliersInA()
    await fill(stores, 12)
    async with live(both, stores) as runners, live(one, stores) as single:
        await caught_up([*runners, *single], stores)
        before = (await rows(both, stores["a"]), await rows(one, stores["a"]))
        read: list[tuple[int, int]] = []
        rebuilds = [Rebuild(p, stores, stores["a"].engine, batch_size=5) for p in (both, one)]
        reports = await rebuild_together(rebuilds, progress=lambda d, t: read.append((d, t)))
        assert [(r.verified, r.swapped) for r in reports] == [(True, True), (True, True)]
        assert [r.events_read for r in reports] == [24, 12]
        assert read[-1] == (24, 24)  # each source's 12 events read once for both projections
        assert (await rows(both, stores["a"]), await rows(one, stores["a"])) == before
        assert {r[2] for r in before[0]} == {2}
        assert {r[2] for r in before[1]} == {1}


def completed() -> NewEvent:
    """An event none of these projections wants."""
    data = {"order_id": str(uuid4())}
    return NewEvent(new_event_id(), "OrderCompleted", data, 1, metadata_for(utc_now()))


async def test_events_no_projection_wants_are_read_once_and_passed_by_every_checkpoint(
    stores: dict[str, SqlEventStore],
) -> None:
    both, one = SupplierNames(), SuppliersInA()
    await stores["a"].append("order-early", [completed() for _ in range(7)])
    await fill(stores, 6)
    await stores["a"].append("order-late", [completed() for _ in range(9)])
    await stores["b"].append("order-late", [completed() for _ in range(4)])
    async with live(both, stores) as runners, live(one, stores) as single:
        await caught_up([*runners, *single], stores)
        before = (await rows(both, stores["a"]), await rows(one, stores["a"]))
        rebuilds = [Rebuild(p, stores, stores["a"].engine, batch_size=4) for p in (both, one)]
        reports = await rebuild_together(rebuilds)
        assert [(r.verified, r.swapped) for r in reports] == [(True, True), (True, True)]
        assert [(r.events_read, r.events_applied) for r in reports] == [(32, 12), (22, 6)]
        assert (await rows(both, stores["a"]), await rows(one, stores["a"])) == before
    heads = {name: await store.head_position() for name, store in stores.items()}
    saved = CheckpointStore(stores["a"].engine)
    for projection in (both, one):
        for source in projection.sources:  # past the trailing events, as the live runner was
            assert await saved.load(projection.consumer_name, source) == heads[source]
