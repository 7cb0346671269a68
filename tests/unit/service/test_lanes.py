"""Lanes: a partition's messages reach its dispatcher once, whatever the client does: messages
handed over before the assignment callback ran, offsets consumed again, events the relay
produced twice, and messages that are no events; and messages the client skipped are asked
for again, never passed over."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.eventstore.port import RecordedEvent
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.decoding import decode
from shared.messaging.dispatcher import Dispatcher
from shared.messaging.kafka.lanes import Lanes, Message
from shared.messaging.kafka.wire import encode
from shared.service.projection import ProjectionHandler
from shared.sql import Database
from tests.databases import fresh_database
from tests.unit.service.test_guarded_dispatcher import Tally, _count, _prepared, records

__all__ = ["records"]


def messages(found: list[RecordedEvent], partition: int = 3) -> list[Message]:
    """The records as one partition's messages (the unparsable one as raw bytes)."""
    out = []
    for offset, record in enumerate(found):
        try:
            value = encode(decode(record))
        except Exception:
            value = b"\x00 not an event"
        out.append(Message(partition, offset, b"k", value, "order.events.v1"))
    return out


def lanes_on(database: Database, tally: Tally, poisoned: list[int]) -> Lanes:
    handlers = [ProjectionHandler(tally)]

    def make(lane: str) -> Dispatcher:
        return Dispatcher(
            lane, None, database, handlers, dead_letters=DeadLetters(database), guarded=True
        )

    async def poison(message: Message, error: Exception) -> None:
        poisoned.append(message.offset)

    return Lanes("order", make, poison)


async def _prepared_lanes(database: Database) -> tuple[Tally, list[int], Lanes]:
    """A tally projection's tables, the offsets poisoned so far, and lanes feeding it."""
    tally, poisoned = Tally(), []
    await _prepared(database, tally)
    return tally, poisoned, lanes_on(database, tally, poisoned)


@pytest.fixture
async def database(tmp_path: Path) -> Database:  # type: ignore[misc]
    async with fresh_database("sqlite", tmp_path) as made:
        yield made


async def test_messages_before_the_assignment_callback_are_not_lost(
    database: Database, records: list[RecordedEvent]
) -> None:
    tally, poisoned, lanes = await _prepared_lanes(database)
    given = messages(records)
    done = await lanes.dispatch({3: given[:5]})  # no lane yet: made from the checkpoints first
    await lanes.assign([3])  # the callback, late: the lane stays as it is
    done |= await lanes.dispatch({3: given[5:]})
    assert done == {3: len(given)}
    assert await _count(database, tally) == 11
    assert poisoned == [6]


async def test_redeliveries_and_relay_duplicates_are_skipped(
    database: Database, records: list[RecordedEvent]
) -> None:
    tally, poisoned, first = await _prepared_lanes(database)
    given = messages(records)
    await first.dispatch({3: given[:8]})
    # The relay produced 2..4 again after a broker failure: at the next offsets (8, 9, 10),
    # with the positions they had.
    again = [Message(3, 8 + i, b"k", m.value, m.topic) for i, m in enumerate(given[2:5])]
    assert await first.dispatch({3: again}) == {3: 11}
    # Another member takes the partition over from an older committed offset.
    second = lanes_on(database, tally, poisoned)
    await second.assign([3])
    await second.dispatch({3: given[4:]})
    assert await _count(database, tally) == 11
    assert first.skipped == 3
    assert second.skipped == 3  # 5, 6 and 8 (the message at offset 6 is no event)


async def test_a_skipped_offset_stops_the_lane_until_it_is_read_again(
    database: Database, records: list[RecordedEvent]
) -> None:
    tally, poisoned, lanes = await _prepared_lanes(database)
    given = messages(records)
    await lanes.assign([3], {3: 2})  # committed at offset 2: offsets 0 and 1 are done
    assert await lanes.dispatch({3: given[:4]}) == {3: 4}  # 0, 1 read again: passed over
    assert lanes.skipped == 2
    # The client drops offsets 4 and 5 (a rebalance cut in) and hands over 6 onwards.
    assert await lanes.dispatch({3: given[6:]}) == {3: 4}
    assert lanes.missing == {3: 4}
    assert await _count(database, tally) == 2  # nothing past the gap was applied
    lanes.missing.clear()
    # The member seeks back: 4 onwards arrive and everything is applied once.
    assert await lanes.dispatch({3: given[4:]}) == {3: len(given)}
    assert lanes.missing == {}
    assert await _count(database, tally) == 9  # 2..11 but the one that is no event
    assert poisoned == [6]


async def test_a_partition_whose_end_never_arrives_is_stalled(
    database: Database, records: list[RecordedEvent]
) -> None:
    *_, lanes = await _prepared_lanes(database)
    given = messages(records)
    await lanes.assign([3, 4], {3: 0})
    await lanes.dispatch({3: given[:5]})
    assert lanes.stalled({3: 5, 4: 7}, stall_s=0) == {}  # 3 is at its end; 4's start unknown
    assert lanes.stalled({3: 7}, stall_s=0) == {}  # first seen short of the end: the clock starts
    assert lanes.stalled({3: 7}, stall_s=60) == {}  # not short for that long
    assert lanes.stalled({3: 7}, stall_s=0) == {3: 5}
    await lanes.dispatch({3: given[5:6]})  # offset 5 arrives: the clock starts over
    assert lanes.stalled({3: 7}, stall_s=0) == {}
    assert lanes.stalled({3: 7}, stall_s=0) == {3: 6}
    await lanes.dispatch({3: given[6:7]})  # the end arrives
    assert lanes.stalled({3: 7}, stall_s=0) == {}
    assert lanes.stalled({3: 8}, stall_s=0) == {}  # short again: a new clock
