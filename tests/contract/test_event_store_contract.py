"""The EventStore contract: every adapter passes every test here (see conftest for the adapters)."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from shared.eventstore import (
    AppendResult,
    DuplicateEventId,
    EventStore,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.sql import Database

if TYPE_CHECKING:
    from tests.contract.conftest import StoreFactory


def a_stream() -> str:
    return f"order-{uuid.uuid4()}"


def an_event(event_type: str = "OrderPlaced", **data: Any) -> NewEvent:
    return NewEvent(event_id=uuid.uuid4(), event_type=event_type, data=data or {"n": 1})


def events(count: int) -> list[NewEvent]:
    return [an_event(n=n) for n in range(count)]


async def whole_log(store: EventStore) -> list[RecordedEvent]:
    return await store.read_all(0, 100_000)


async def take(subscription: AsyncIterator[RecordedEvent], count: int) -> list[RecordedEvent]:
    """The subscription's first ``count`` events, failing if they take more than 15 s."""
    taken: list[RecordedEvent] = []
    async with asyncio.timeout(15):
        async for event in subscription:
            taken.append(event)
            if len(taken) == count:
                break
    return taken


def ids(recorded: list[RecordedEvent]) -> list[uuid.UUID]:
    return [event.event_id for event in recorded]


def strictly_increasing(values: list[int]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


# --- append and read


async def test_store_satisfies_the_port_and_exposes_its_engine(store: EventStore) -> None:
    assert isinstance(store, EventStore)
    if not isinstance(store, InMemoryEventStore):  # SQL adapters share their database
        assert isinstance(getattr(store, "engine", None), Database)


async def test_appends_events_and_reads_them_back_in_stream_order(store: EventStore) -> None:
    stream, batch = a_stream(), events(3)

    result = await store.append(stream, batch)

    stored = await store.read_stream(stream)
    assert ids(stored) == [e.event_id for e in batch]
    assert [e.stream_version for e in stored] == [1, 2, 3]
    assert {e.stream_id for e in stored} == {stream}
    assert strictly_increasing([e.position for e in stored])
    assert stored[0].position >= 1
    assert result == AppendResult(stream, 3, stored[-1].position)


async def test_stream_versions_continue_across_appends(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, events(2))

    result = await store.append(stream, events(3), expected_version=2)

    assert result.stream_version == 5
    assert await store.stream_version(stream) == 5
    assert [e.stream_version for e in await store.read_stream(stream)] == [1, 2, 3, 4, 5]


async def test_reads_a_stream_from_a_version_with_a_limit(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, events(6))

    assert [e.stream_version for e in await store.read_stream(stream, from_version=3)] == [
        3,
        4,
        5,
        6,
    ]
    assert [e.stream_version for e in await store.read_stream(stream, 2, limit=2)] == [2, 3]
    assert await store.read_stream(stream, from_version=7) == []


async def test_an_unknown_stream_is_empty_at_version_zero(store: EventStore) -> None:
    assert await store.read_stream(a_stream()) == []
    assert await store.stream_version(a_stream()) == 0


async def test_streams_do_not_see_each_others_events(store: EventStore) -> None:
    first, second = a_stream(), a_stream()
    await store.append(first, events(2))
    await store.append(second, events(1))

    assert [e.stream_version for e in await store.read_stream(second)] == [1]


# --- expected versions


async def test_rejects_an_append_whose_expected_version_is_stale(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, events(2))

    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, events(1), expected_version=1)

    assert (conflict.value.stream_id, conflict.value.expected, conflict.value.actual) == (
        stream,
        1,
        2,
    )
    assert await store.stream_version(stream) == 2


async def test_rejects_an_expected_version_ahead_of_the_stream(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, events(1))

    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, events(1), expected_version=5)

    assert conflict.value.actual == 1


@pytest.mark.parametrize("expected", [0, StreamState.NO_STREAM])
async def test_no_stream_accepts_a_new_stream_and_refuses_an_existing_one(
    store: EventStore, expected: int | StreamState
) -> None:
    stream = a_stream()
    assert (await store.append(stream, events(2), expected_version=expected)).stream_version == 2

    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, events(1), expected_version=expected)

    assert conflict.value.actual == 2


async def test_stream_exists_refuses_a_new_stream_and_accepts_an_existing_one(
    store: EventStore,
) -> None:
    stream = a_stream()
    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, events(1), expected_version=StreamState.STREAM_EXISTS)
    assert conflict.value.actual == 0
    assert await store.read_stream(stream) == []

    await store.append(stream, events(1))
    result = await store.append(stream, events(2), expected_version=StreamState.STREAM_EXISTS)

    assert result.stream_version == 3


async def test_any_appends_whatever_the_version(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, events(1), expected_version=StreamState.ANY)

    result = await store.append(stream, events(1), expected_version=StreamState.ANY)

    assert result.stream_version == 2


async def test_an_empty_append_only_checks_the_expected_version(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, events(2))
    head = await store.head_position()

    result = await store.append(stream, [], expected_version=2)

    assert (result.stream_version, result.position) == (2, head)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, [], expected_version=StreamState.NO_STREAM)
    assert await store.head_position() == head


async def test_exactly_one_of_concurrent_appends_with_the_same_expected_version_wins(
    store_factory: StoreFactory,
) -> None:
    here, elsewhere = await store_factory.open(), await store_factory.open()
    stream = a_stream()
    await here.append(stream, events(1))

    outcomes = await asyncio.gather(
        *(
            (here if n % 2 else elsewhere).append(stream, [an_event(n=n)], expected_version=1)
            for n in range(8)
        ),
        return_exceptions=True,
    )

    winners = [o for o in outcomes if isinstance(o, AppendResult)]
    losers = [o for o in outcomes if isinstance(o, WrongExpectedVersion)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 7, outcomes
    assert {loser.actual for loser in losers} == {2}
    assert [e.stream_version for e in await here.read_stream(stream)] == [1, 2]


async def test_concurrent_appends_with_any_version_all_land_in_sequence(
    store_factory: StoreFactory,
) -> None:
    here, elsewhere = await store_factory.open(), await store_factory.open()
    stream = a_stream()

    await asyncio.gather(
        *((here if n % 2 else elsewhere).append(stream, events(2)) for n in range(10))
    )

    stored = await here.read_stream(stream)
    assert [e.stream_version for e in stored] == list(range(1, 21))
    assert strictly_increasing([e.position for e in stored])


# --- atomic multi-stream append


async def test_appends_to_several_streams_at_once(store: EventStore) -> None:
    first, second = a_stream(), a_stream()
    await store.append(second, events(1))

    results = await store.append_many(
        [
            StreamAppend(first, events(2), StreamState.NO_STREAM),
            StreamAppend(second, events(1), expected_version=1),
        ]
    )

    assert [(r.stream_id, r.stream_version) for r in results] == [(first, 2), (second, 2)]
    log = await whole_log(store)
    assert results[1].position == log[-1].position
    assert results[0].position == log[-2].position


async def test_a_conflict_on_one_stream_writes_nothing_to_the_others(store: EventStore) -> None:
    first, second = a_stream(), a_stream()
    await store.append(second, events(1))
    head = await store.head_position()

    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append_many(
            [
                StreamAppend(first, events(2), StreamState.NO_STREAM),
                StreamAppend(second, events(1), expected_version=5),
            ]
        )

    assert conflict.value.stream_id == second
    assert await store.read_stream(first) == []
    assert await store.stream_version(first) == 0
    assert await store.head_position() == head


async def test_a_duplicate_id_in_one_stream_writes_nothing_to_the_others(store: EventStore) -> None:
    first, second, third = a_stream(), a_stream(), a_stream()
    stored = an_event()
    await store.append(third, [stored])

    with pytest.raises(DuplicateEventId):
        await store.append_many(
            [StreamAppend(first, events(1)), StreamAppend(second, [an_event(), stored])]
        )

    assert await store.read_stream(first) == []
    assert await store.read_stream(second) == []


async def test_refuses_the_same_stream_or_event_twice_in_one_request(store: EventStore) -> None:
    stream, event = a_stream(), an_event()
    with pytest.raises(ValueError, match="appears twice"):
        await store.append(stream, [event, event])
    with pytest.raises(ValueError, match="appears twice"):
        await store.append_many([StreamAppend(stream, events(1)), StreamAppend(stream, events(1))])
    assert await store.head_position() == 0


# --- idempotency by event id


async def test_reappending_stored_events_changes_nothing_and_says_so(store: EventStore) -> None:
    stream, batch = a_stream(), events(3)
    first = await store.append(stream, batch, expected_version=StreamState.NO_STREAM)
    await store.append(stream, events(1))
    head = await store.head_position()

    # The id check comes before the version check: a redelivered command's stale version is fine.
    again = await store.append(stream, batch, expected_version=StreamState.NO_STREAM)

    assert again == AppendResult(stream, 3, first.position, already_stored=True)
    assert await store.head_position() == head
    assert len(await store.read_stream(stream)) == 4


async def test_reappending_part_of_a_stored_batch_reports_that_part(store: EventStore) -> None:
    stream, batch = a_stream(), events(3)
    await store.append(stream, batch)
    middle = (await store.read_stream(stream))[1]

    again = await store.append(stream, batch[1:2], expected_version=0)

    assert again == AppendResult(stream, 2, middle.position, already_stored=True)


async def test_reappending_a_multi_stream_append_is_idempotent(store: EventStore) -> None:
    request = [StreamAppend(a_stream(), events(2), 0), StreamAppend(a_stream(), events(1), 0)]
    first = await store.append_many(request)
    head = await store.head_position()

    again = await store.append_many(request)

    assert [(r.stream_version, r.position, r.already_stored) for r in again] == [
        (r.stream_version, r.position, True) for r in first
    ]
    assert await store.head_position() == head


async def test_refuses_a_batch_that_is_only_partly_stored(store: EventStore) -> None:
    stream, stored, fresh = a_stream(), an_event(), an_event()
    await store.append(stream, [stored])

    with pytest.raises(DuplicateEventId) as duplicate:
        await store.append(stream, [stored, fresh])

    assert (duplicate.value.event_id, duplicate.value.stream_id) == (stored.event_id, stream)
    assert ids(await store.read_stream(stream)) == [stored.event_id]


async def test_refuses_an_event_id_stored_in_another_stream(store: EventStore) -> None:
    first, second, event = a_stream(), a_stream(), an_event()
    await store.append(first, [event])

    with pytest.raises(DuplicateEventId) as duplicate:
        await store.append(second, [event])

    assert (duplicate.value.event_id, duplicate.value.stream_id) == (event.event_id, first)
    assert await store.read_stream(second) == []


@pytest.mark.parametrize("expected", [StreamState.ANY, StreamState.NO_STREAM])
async def test_concurrent_redeliveries_store_a_batch_once(
    store_factory: StoreFactory, expected: StreamState
) -> None:
    here, elsewhere = await store_factory.open(), await store_factory.open()
    stream, batch = a_stream(), events(2)

    results = await asyncio.gather(
        *((here if n % 2 else elsewhere).append(stream, batch, expected) for n in range(6))
    )

    assert sum(not r.already_stored for r in results) == 1
    assert {(r.stream_version, r.position) for r in results} == {(2, results[0].position)}
    assert ids(await here.read_stream(stream)) == [e.event_id for e in batch]


# --- the global log


async def test_head_position_is_zero_when_empty_then_the_last_position(store: EventStore) -> None:
    assert await store.head_position() == 0
    assert await store.read_all() == []

    result = await store.append(a_stream(), events(3))

    assert await store.head_position() == result.position


async def test_reads_the_global_log_in_commit_order_from_a_position_with_a_limit(
    store: EventStore,
) -> None:
    written: list[uuid.UUID] = []
    for n in range(10):
        batch = events(1 + n % 3)
        await store.append(f"stream-{n % 3}-{uuid.uuid4().hex[:6]}", batch)
        written += [e.event_id for e in batch]

    log = await whole_log(store)
    assert ids(log) == written
    assert strictly_increasing([e.position for e in log])
    assert log[0].position >= 1
    page = await store.read_all(after_position=log[4].position, limit=3)
    assert ids(page) == written[5:8]
    assert await store.read_all(after_position=log[-1].position) == []
    assert log[-1].position == await store.head_position()


async def test_another_store_object_on_the_same_database_sees_the_same_log(
    store_factory: StoreFactory,
) -> None:
    writer = await store_factory.open()
    await writer.append(a_stream(), events(4))
    await writer.close()

    reader = await store_factory.open()

    assert len(await whole_log(reader)) == 4


# --- catch-up subscriptions


async def test_subscription_goes_from_history_to_live_without_gap_or_duplicate(
    store_factory: StoreFactory,
) -> None:
    here = await store_factory.open(poll_interval=0.05)
    elsewhere = await store_factory.open()
    for n in range(30):
        await here.append(f"history-{n % 4}-{uuid.uuid4().hex[:6]}", events(1 + n % 2))
    history = len(await whole_log(here))

    live = a_stream()

    async def write(store: EventStore, writer: int) -> None:
        for n in range(15):
            await store.append(f"{live}-{writer}-{n % 3}", events(1 + n % 3))

    async with aclosing(here.subscribe(batch_size=7)) as subscription:
        consumer = asyncio.create_task(take(subscription, history + 4 * 30))
        await asyncio.gather(*(write(here if w % 2 else elsewhere, w) for w in range(4)))
        received = await consumer

    log = await whole_log(here)
    assert len(log) == history + 4 * 30
    assert ids(received) == ids(log)
    assert strictly_increasing([e.position for e in received])


async def test_subscription_starts_after_the_given_position(store: EventStore) -> None:
    await store.append(a_stream(), events(5))
    log = await whole_log(store)

    async with aclosing(store.subscribe(after_position=log[2].position)) as subscription:
        received = await take(subscription, 2)

    assert ids(received) == ids(log[3:])


async def test_subscription_sees_appends_made_through_another_store_object(
    store_factory: StoreFactory,
) -> None:
    follower = await store_factory.open(poll_interval=0.05)
    writer = await store_factory.open()

    async with aclosing(follower.subscribe()) as subscription:
        consumer = asyncio.create_task(take(subscription, 3))
        batch = events(3)
        await writer.append(a_stream(), batch)
        received = await consumer

    assert ids(received) == [e.event_id for e in batch]


async def test_subscription_ends_when_the_store_closes(store_factory: StoreFactory) -> None:
    store = await store_factory.open(poll_interval=30)
    await store.append(a_stream(), events(1))
    received: list[RecordedEvent] = []
    caught_up = asyncio.Event()

    async def follow() -> None:
        async for event in store.subscribe():
            received.append(event)
            caught_up.set()

    consumer = asyncio.create_task(follow())
    async with asyncio.timeout(10):
        await caught_up.wait()

    await store.close()

    async with asyncio.timeout(5):
        await consumer
    assert len(received) == 1


# --- payloads


async def test_round_trips_data_metadata_and_unicode(store: EventStore) -> None:
    data: dict[str, Any] = {
        "order_id": str(uuid.uuid4()),
        "buyer": "上海五金貿易有限公司",
        "note": 'Ünïcødé 😀 "quotes" \\ backslash \n newline \u0000 nul',
        "lines": [{"sku": "SKU-1", "quantity": 3, "price": {"amount": "12.50", "currency": "CNY"}}],
        "nothing": None,
        "flags": [True, False],
        "big": 2**62,
        "ratio": 0.25,
        "empty": {},
    }
    metadata = {"correlation_id": str(uuid.uuid4()), "actor": "買家-7"}
    event = NewEvent(
        uuid.uuid4(), "訂單已下 OrderPlaced", data, schema_version=3, metadata=metadata
    )
    stream = f"訂單-{uuid.uuid4()}"
    before = datetime.now(UTC)

    await store.append(stream, [event])

    [stored] = await store.read_stream(stream)
    assert (stored.event_id, stored.event_type, stored.schema_version) == (
        event.event_id,
        event.event_type,
        3,
    )
    assert stored.data == data
    assert stored.metadata == metadata
    assert stored.stream_id == stream
    assert stored.recorded_at.tzinfo is not None
    assert stored.recorded_at.utcoffset() == UTC.utcoffset(None)
    assert before <= stored.recorded_at <= datetime.now(UTC)
    assert (await whole_log(store))[0] == stored


async def test_refuses_data_that_is_not_json_before_touching_the_store(store: EventStore) -> None:
    with pytest.raises((TypeError, ValueError)):
        await store.append(a_stream(), [an_event(ratio=float("nan"))])
    with pytest.raises((TypeError, ValueError)):
        await store.append(a_stream(), [an_event(when=datetime.now(UTC))])
    assert await store.head_position() == 0
