"""A Kafka topic as the feed of a service's dispatcher for that source.

One consumer-group member reads ``<source>.events.v1`` and hands its events in batches to the
in-process subscriber (the dispatcher), dropping what it already holds (its position is the
source store's global position, and the topic has one partition in log order). Kafka offsets
are committed only up to what the subscriber has finished with (its effects stored; events it
skips need no effect), so a crash anywhere redelivers instead of losing. Messages that do
not parse are dead-lettered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.eventstore.port import RecordedEvent
from shared.messaging.kafka.topics import events_topic
from shared.messaging.kafka.wire import decode

log = structlog.get_logger(__name__)

CheckpointFloor = Callable[[], int]
PoisonHandler = Callable[[ConsumerRecord, Exception], Awaitable[None]]


@dataclass
class _Subscriber:
    queue: asyncio.Queue[RecordedEvent]
    last: int


class KafkaFeed:
    """A dispatcher's :class:`~shared.messaging.dispatcher.Feed`, backed by a topic."""

    def __init__(
        self,
        source: str,
        consumer_factory: Callable[[], AIOKafkaConsumer],
        *,
        subscribers: int,
        checkpoint_floor: CheckpointFloor,
        on_poison: PoisonHandler,
        namespace: str = "",
    ) -> None:
        self.source = source
        self.topic = events_topic(source, namespace)
        self.partition = TopicPartition(self.topic, 0)
        self.consumer_factory = consumer_factory
        self.expected = subscribers
        self.checkpoint_floor = checkpoint_floor
        self.on_poison = on_poison
        self._subscribers: list[_Subscriber] = []
        self._all_subscribed = asyncio.Event()
        self._uncommitted: deque[tuple[int, int | None]] = deque()  # (offset, position or poison)
        self.committed = 0
        self.received = 0

    async def batches(
        self, after_position: int = 0, max_batch: int = 500
    ) -> AsyncIterator[list[RecordedEvent]]:
        """Events after ``after_position`` in batches, once the feed runs (every expected
        subscriber must join first)."""
        subscriber = _Subscriber(asyncio.Queue(maxsize=max_batch * 2), after_position)
        self._subscribers.append(subscriber)
        if len(self._subscribers) >= self.expected:
            self._all_subscribed.set()
        while True:
            batch = [await subscriber.queue.get()]
            while len(batch) < max_batch and not subscriber.queue.empty():
                batch.append(subscriber.queue.get_nowait())
            yield batch

    async def run(self) -> None:
        """Consume until cancelled; starts when every expected subscriber has subscribed."""
        await self._all_subscribed.wait()
        consumer = self.consumer_factory()
        await consumer.start()
        try:
            consumer.subscribe([self.topic])
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=500)
                for messages in batches.values():
                    for message in messages:
                        await self._dispatch(message)
                await self._commit(consumer)
        finally:
            with contextlib.suppress(Exception):
                await self._commit(consumer)
            await consumer.stop()

    async def _dispatch(self, message: ConsumerRecord) -> None:
        self.received += 1
        try:
            record = decode(message.value)
        except Exception as error:
            log.warning(
                "poison message", topic=self.topic, offset=message.offset, error=repr(error)
            )
            await self.on_poison(message, error)
            self._uncommitted.append((message.offset, None))
            return
        self._uncommitted.append((message.offset, record.position))
        for subscriber in self._subscribers:
            if record.position > subscriber.last:
                subscriber.last = record.position
                await subscriber.queue.put(record)

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        """Commit the offsets whose events every subscriber has checkpointed (or dead-lettered)."""
        if not self._uncommitted:
            return
        floor = self.checkpoint_floor()
        done: int | None = None
        while self._uncommitted:
            offset, position = self._uncommitted[0]
            if position is not None and position > floor:
                break
            done = offset
            self._uncommitted.popleft()
        if done is None:
            return
        try:
            await consumer.commit({self.partition: done + 1})
            self.committed = done + 1
        except Exception as error:  # the broker may be away: the next round commits further
            log.warning("offset commit failed", topic=self.topic, error=repr(error))

    async def head_position(self) -> int:
        return max((s.last for s in self._subscribers), default=0)

    async def close(self) -> None:
        return None
