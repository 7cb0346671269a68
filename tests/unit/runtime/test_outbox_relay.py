"""The outbox relay stores its position beside the publishing, not in its way: the next batches
go out while a store of the position waits for the service's writer; the stored position is
one the broker acknowledged, never goes back, and a failed store is tried again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from shared.eventstore.port import RecordedEvent
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.kafka.relay import OutboxRelay
from tests.unit.service.test_guarded_dispatcher import records

__all__ = ["records"]


class Feed:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[list[RecordedEvent]] = asyncio.Queue()

    async def batches(
        self, after_position: int = 0, max_batch: int = 500
    ) -> AsyncIterator[list[RecordedEvent]]:
        while True:
            yield await self.queue.get()

    async def head_position(self) -> int:
        return 0


class Producer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, topic: str, *, value: bytes, key: bytes) -> asyncio.Future[None]:
        self.sent.append(value)
        acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        acked.set_result(None)
        return acked


class Checkpoints(CheckpointStore):
    """Stores that wait for ``gate`` (the writer busy) and fail ``failures`` times first."""

    def __init__(self) -> None:
        self.saved: list[int] = []
        self.gate = asyncio.Event()
        self.failures = 0

    async def load(self, consumer: str, source: str) -> int:
        return self.saved[-1] if self.saved else 0

    async def save(self, consumer: str, source: str, position: int) -> None:
        await self.gate.wait()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the database is away")
        self.saved.append(position)


async def _until(condition: Callable[[], bool], tries: int = 400) -> None:
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("not reached within 2 s")


async def _relay(checkpoints: Checkpoints) -> tuple[OutboxRelay, Feed, Producer]:
    feed, producer = Feed(), Producer()
    relay = OutboxRelay(
        "supplier",
        feed,
        checkpoints,
        lambda: producer,  # type: ignore[arg-type,return-value]
        retry_delay=0.01,
    )
    return relay, feed, producer


async def _running(relay: OutboxRelay) -> asyncio.Task[Any]:
    return asyncio.create_task(relay.run())


async def test_publishing_goes_on_while_the_position_waits_to_be_stored(
    records: list[RecordedEvent],
) -> None:
    checkpoints = Checkpoints()
    relay, feed, producer = await _relay(checkpoints)
    task = await _running(relay)
    try:
        feed.queue.put_nowait(records[:4])
        feed.queue.put_nowait(records[4:8])
        feed.queue.put_nowait(records[8:])
        await _until(lambda: relay.position == records[-1].position)
        assert len(producer.sent) == len(records) - 1  # all but the one that is no event
        assert checkpoints.saved == []  # the writer is still busy: nobody waited for it
        checkpoints.gate.set()
        await _until(lambda: checkpoints.saved[-1:] == [records[-1].position])
        assert checkpoints.saved == sorted(checkpoints.saved)
        assert len(checkpoints.saved) <= 2  # the positions that piled up: stored once
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_failed_store_is_tried_again(records: list[RecordedEvent]) -> None:
    checkpoints = Checkpoints()
    checkpoints.gate.set()
    checkpoints.failures = 2
    relay, feed, _ = await _relay(checkpoints)
    task = await _running(relay)
    try:
        feed.queue.put_nowait(records[:5])
        await _until(lambda: checkpoints.saved[-1:] == [records[4].position])
        feed.queue.put_nowait(records[5:])
        await _until(lambda: checkpoints.saved[-1:] == [records[-1].position])
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
