"""The Faust member's batches: handed over as soon as events are there (no ``within`` wait),
made of what arrived meanwhile, never longer than asked, and acknowledged only once the caller
asks for the next batch (i.e. after their effects are stored)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shared.messaging.kafka.faust_member import ready_batches


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
