"""Group commit keeps every command's own expected-version check, and a failing neighbour
fails alone: appends that arrive together share one transaction on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.eventstore import NewEvent, StreamAppend, StreamState, WrongExpectedVersion
from shared.eventstore.port import DuplicateEventId
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sql import SqlEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.sql import Transaction
from shared.sql.postgres import PostgresDatabase
from tests.databases import KINDS, fresh_database


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlEventStore]:
    if request.param == "sqlite":
        opened = await SqliteEventStore.open(tmp_path / "events.db")
        yield opened
        await opened.close()
        return
    async with fresh_database(request.param, tmp_path) as database:
        assert isinstance(database, PostgresDatabase)
        yield await PostgresEventStore.on(database)


def event(n: int = 0) -> NewEvent:
    return NewEvent(uuid.uuid4(), "StockReserved", {"n": n})


async def test_commands_that_arrive_together_share_a_commit_and_keep_their_checks(
    store: SqlEventStore,
) -> None:
    await store.append("stock-A", [event()])
    taken = event()
    await store.append("stock-B", [taken])
    before = store.database.commits

    outcomes = await asyncio.gather(
        store.append("stock-A", [event(1)], expected_version=1),  # wins the race for v1
        store.append("stock-A", [event(2)], expected_version=1),  # same expectation: refused
        store.append("stock-C", [event()], StreamState.NO_STREAM),  # an unrelated command
        store.append("stock-D", [taken]),  # an id stored in another stream: refused
        store.append("stock-E", [event(), event()], StreamState.NO_STREAM),
        return_exceptions=True,
    )

    first, second, unrelated, duplicate, pair = outcomes
    assert not isinstance(first, BaseException)
    assert first.stream_version == 2
    assert isinstance(second, WrongExpectedVersion)
    assert (second.expected, second.actual) == (1, 2)
    assert isinstance(duplicate, DuplicateEventId)
    assert not isinstance(unrelated, BaseException)
    assert not isinstance(pair, BaseException)
    assert store.database.commits - before == 1, "the five appends shared one transaction"
    assert [e.data["n"] for e in await store.read_stream("stock-A")] == [0, 1]
    assert await store.stream_version("stock-C") == 1
    assert await store.stream_version("stock-D") == 0, "the refused append left nothing"
    assert await store.stream_version("stock-E") == 2
    log = await store.read_all(0, 100)
    assert [e.position for e in log] == list(range(1, len(log) + 1)), "no gap in positions"


async def test_a_unit_that_fails_after_its_append_takes_the_append_with_it(
    store: SqlEventStore,
) -> None:
    before = store.database.commits

    async def appends_then_fails(tx: Transaction) -> None:
        await store.append_in(tx, [_append("stock-X")])
        raise ValueError("refused after the append")

    async def appends(tx: Transaction) -> None:
        await store.append_in(tx, [_append("stock-Y")])

    outcomes = await asyncio.gather(
        store.database.write(appends_then_fails),
        store.database.write(appends),
        return_exceptions=True,
    )
    assert isinstance(outcomes[0], ValueError)
    assert outcomes[1] is None
    assert store.database.commits - before == 1
    assert await store.stream_version("stock-X") == 0
    assert await store.stream_version("stock-Y") == 1
    assert [e.stream_id for e in await store.read_all(0, 10)] == ["stock-Y"]


async def test_a_refused_duplicate_leaves_nothing_in_a_unit_that_goes_on(
    store: SqlEventStore,
) -> None:
    # A reaction redelivered after its events were stored catches DuplicateEventId and its
    # unit commits: the common append (one stream, an exact version, no savepoint) must have
    # taken back what it claimed and inserted before meeting the stored id.
    stored = event()
    await store.append("stock-A", [stored])
    await store.append("stock-B", [event()])
    head = await store.head_position()

    async def redelivered(tx: Transaction) -> int:
        refused = 0
        for append in (
            StreamAppend("stock-C", [event(), stored], StreamState.NO_STREAM),
            StreamAppend("stock-B", [event(), stored], 1),
        ):
            try:
                await store.append_in(tx, [append])
            except DuplicateEventId:
                refused += 1
        await store.append_in(tx, [StreamAppend("stock-B", [event(5)], 1)])
        return refused

    assert await store.database.write(redelivered) == 2
    assert await store.stream_version("stock-C") == 0
    assert [e.data.get("n") for e in await store.read_stream("stock-B")] == [0, 5]
    assert [e.position for e in await store.read_all(0, 100)] == list(range(1, head + 2)), (
        "the refused events left no row and no gap"
    )


def _append(stream: str) -> StreamAppend:
    return StreamAppend(stream, [event()], StreamState.NO_STREAM)
