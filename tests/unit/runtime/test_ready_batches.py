"""The Faust member's ready batches (``B2B_KAFKA_BATCH_WITHIN_MS=0``): handed over as soon as
events are there (no ``within`` wait), made of what arrived meanwhile, never longer than asked,
and acknowledged only once the caller asks for the next batch (i.e. after their effects are
stored); and the member takes them only when told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from shared.messaging.kafka import faust_member
from shared.messaging.kafka.faust_member import FaustMember, ready_batches
from shared.messaging.kafka.lanes import Message


class FakeStream:
    """What ``ready_batches`` uses of a Faust stream: ``events()``, ``ack`` and ``enable_acks``."""

    def __init__(self) -> None:
        self.enable_acks = True
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.acked: list[object] = []

    async def events(self) -> AsyncIterator[object]:
        while True:
            item = await self.queue.get()
            if isinstance(item, Exception):
                raise item
            yield item

    async def ack(self, event: object) -> bool:
        self.acked.append(event)
        return True

    def put(self, *events: object) -> None:
        for event in events:
            self.queue.put_nowait(event)


async def test_a_lone_event_is_handed_over_at_once() -> None:
    stream = FakeStream()
    batches = ready_batches(stream, 500)
    stream.put("e1")
    async with asyncio.timeout(0.5):  # take_events(within=0.05) would hold it 50 ms
        assert await anext(batches) == ["e1"]
    assert stream.enable_acks is False  # the stream must not acknowledge on its own
    await batches.aclose()


async def test_what_arrives_meanwhile_is_the_next_batch_and_acks_follow_the_caller() -> None:
    stream = FakeStream()
    batches = ready_batches(stream, 500)
    stream.put("e1")
    assert await anext(batches) == ["e1"]
    stream.put("e2", "e3")  # while the caller stores e1's effects
    await asyncio.sleep(0.01)
    assert stream.acked == []  # e1 not acknowledged before the caller asks for more
    assert await anext(batches) == ["e2", "e3"]
    assert stream.acked == ["e1"]
    stream.put("e4")
    assert await anext(batches) == ["e4"]
    assert stream.acked == ["e1", "e2", "e3"]
    await batches.aclose()
    assert stream.acked == ["e1", "e2", "e3"]  # e4's batch never came back: not acknowledged


async def test_a_batch_is_never_longer_than_asked() -> None:
    stream = FakeStream()
    batches = ready_batches(stream, 2)
    stream.put("e1")
    assert await anext(batches) == ["e1"]
    stream.put("e2", "e3", "e4", "e5", "e6")
    await asyncio.sleep(0.01)
    taken = [await anext(batches) for _ in range(3)]
    assert taken == [["e2", "e3"], ["e4", "e5"], ["e6"]]
    await batches.aclose()


async def test_the_streams_failure_reaches_the_caller_after_the_events_before_it() -> None:
    stream = FakeStream()
    batches = ready_batches(stream, 500)
    stream.put("e1", RuntimeError("broken"))
    await asyncio.sleep(0.01)
    assert await anext(batches) == ["e1"]
    with pytest.raises(RuntimeError, match="broken"):
        await anext(batches)


async def test_closing_stops_draining_the_stream() -> None:
    stream = FakeStream()
    batches = ready_batches(stream, 500)
    stream.put("e1")
    assert await anext(batches) == ["e1"]
    await batches.aclose()
    stream.put("e2")
    await asyncio.sleep(0.01)
    assert stream.queue.qsize() == 1  # nobody takes it any more


class Taking(FakeStream):
    """A stream that also answers ``take_events`` (which the member uses when ``within_s`` > 0)."""

    def __init__(self) -> None:
        super().__init__()
        self.took: list[tuple[int, float]] = []

    def take_events(self, max_: int, within: float) -> AsyncIterator[list[object]]:
        self.took.append((max_, within))
        return ready_batches(self, max_)


class Recorded:
    """Lanes that take every batch whole (no offset missing)."""

    def __init__(self) -> None:
        self.batches: list[dict[int, list[Message]]] = []
        self.missing: dict[int, int] = {}
        self.revoked: list[int] = []

    def revoke(self, partitions: list[int]) -> None:
        self.revoked += partitions

    async def dispatch(self, batches: dict[int, list[Message]]) -> dict[int, int]:
        self.batches.append(batches)
        return {p: m[-1].offset + 1 for p, m in batches.items()}


def _member(lanes: Recorded, within_s: float) -> FaustMember:
    """A member on no broker: only its agent is driven, by hand."""
    return FaustMember(
        "order<pricing",
        "127.0.0.1:9",
        "pricing.events.v1",
        lanes,  # type: ignore[arg-type]
        session_timeout_s=6,
        heartbeat_interval_s=1.5,
        max_poll_interval_s=120,
        within_s=within_s,
    )


@pytest.mark.parametrize(("within_s", "takes"), [(0.05, [(500, 0.05)]), (0.0, [])])
async def test_the_member_waits_within_only_when_told(within_s: float, takes: list[object]) -> None:
    lanes = Recorded()
    member = _member(lanes, within_s)
    stream = Taking()
    event = SimpleNamespace(message=SimpleNamespace(partition=3, offset=7, key=b"k", value=b"{}"))
    event.message.topic = "pricing.events.v1"
    stream.put(event)
    agent = asyncio.create_task(member._hand_over(stream))
    try:
        await asyncio.sleep(0.02)
        assert [list(b) for b in lanes.batches] == [[3]]
        assert member.stored == {3: 8}
        assert stream.took == takes
    finally:
        agent.cancel()
        await asyncio.gather(agent, return_exceptions=True)
        member.datadir.rmdir()


async def test_a_batch_for_a_partition_given_up_meanwhile_leaves_no_lane_behind() -> None:
    lanes = Recorded()
    member = _member(lanes, 0.0)
    member._held = lambda: {4}  # type: ignore[method-assign]  # partition 3 went in a rebalance
    stream = Taking()
    for partition in (3, 4):
        event = SimpleNamespace(
            message=SimpleNamespace(partition=partition, offset=7, key=b"k", value=b"{}")
        )
        event.message.topic = "pricing.events.v1"
        stream.put(event)
    agent = asyncio.create_task(member._hand_over(stream))
    try:
        await asyncio.sleep(0.02)
        assert sorted(p for batch in lanes.batches for p in batch) == [3, 4]
        assert lanes.revoked == [3]  # its next holder reads it from the committed offset
        assert member.stored == {4: 8}
    finally:
        agent.cancel()
        await asyncio.gather(agent, return_exceptions=True)
        member.datadir.rmdir()


class Stalling(Recorded):
    """Lanes whose partition 3 is short of its end (offset 8 expected), and whose dispatch
    waits for ``release`` (a batch in hand)."""

    def __init__(self) -> None:
        super().__init__()
        self.lanes = {3: object()}
        self.release = asyncio.Event()

    def stalled(self, highwaters: dict[int, int | None], stall_s: float) -> dict[int, int]:
        return {3: 8} if (highwaters.get(3) or 0) > 8 else {}

    async def dispatch(self, batches: dict[int, list[Message]]) -> dict[int, int]:
        await self.release.wait()
        return await super().dispatch(batches)


async def test_a_lane_short_of_its_end_is_stalled_only_while_the_agent_waits_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(faust_member, "IDLE_S", 0.05)
    lanes = Stalling()
    member = _member(lanes, 0.0)
    member._highwaters = lambda: {3: 9}  # type: ignore[method-assign]
    assert member._stalled() == {}  # the agent has not started: it may be about to
    stream = Taking()
    agent = asyncio.create_task(member._hand_over(stream))
    try:
        await asyncio.sleep(0.01)
        assert member._stalled() == {}  # waiting, but not for long: the message may be on its way
        await asyncio.sleep(0.06)
        assert member._stalled() == {3: 8}  # waiting idle while offset 8 exists: read it again
        event = SimpleNamespace(message=SimpleNamespace(partition=4, offset=0, key=b"", value=b""))
        event.message.topic = "pricing.events.v1"
        stream.put(event)
        await asyncio.sleep(0.1)
        assert member._stalled() == {}  # a batch in hand: the lane may wait behind it
        lanes.release.set()
        await asyncio.sleep(0.01)
        assert member._stalled() == {}  # just done: the next batch may hold offset 8
        await asyncio.sleep(0.06)
        assert member._stalled() == {3: 8}
    finally:
        agent.cancel()
        await asyncio.gather(agent, return_exceptions=True)
        member.datadir.rmdir()
