"""One member of a service's consumer group on one source topic (aiokafka).

Each poll's messages go to the lanes of their partitions (see :mod:`lanes`); Kafka offsets are
committed once the lanes' effects are stored, never before. On a rebalance the batch in hand
finishes before the partitions are given up, and a partition taken up starts from its stored
checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener

from shared.messaging.kafka.lanes import Lanes, Message

log = structlog.get_logger(__name__)


class GroupMember(ConsumerRebalanceListener):  # type: ignore[misc]
    """Consumes ``topic`` for ``lanes`` until cancelled."""

    def __init__(
        self,
        topic: str,
        consumer_factory: Callable[[], AIOKafkaConsumer],
        lanes: Lanes,
        *,
        max_batch: int = 500,
    ) -> None:
        self.topic = topic
        self.consumer_factory = consumer_factory
        self.lanes = lanes
        self.max_batch = max_batch
        self.committed: dict[int, int] = {}
        self._pending: dict[int, int] = {}
        self._busy = asyncio.Lock()
        self._commits: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def run(self) -> None:
        consumer = self._consumer = self.consumer_factory()
        await consumer.start()
        try:
            consumer.subscribe([self.topic], listener=self)
            while True:
                fetched = await consumer.getmany(timeout_ms=1000, max_records=self.max_batch)
                if not fetched:
                    continue
                async with self._busy:
                    held = consumer.assignment()  # not a partition revoked meanwhile
                    batches = {
                        tp.partition: [
                            Message(m.partition, m.offset, m.key, m.value, m.topic)
                            for m in messages
                        ]
                        for tp, messages in fetched.items()
                        if tp in held
                    }
                    done = await self.lanes.dispatch(batches)
                self._commit_soon(done)
        finally:
            self._consumer = None
            if self._commits is not None:
                with contextlib.suppress(BaseException):
                    await self._commits
            await consumer.stop()

    def _commit_soon(self, offsets: dict[int, int]) -> None:
        """Commit in the background: the next batch need not wait for the broker (what it
        stores is already durable; a commit that fails only means redeliveries, skipped)."""
        self._pending.update(offsets)
        if self._commits is None or self._commits.done():
            self._commits = asyncio.create_task(self._commit_pending())

    async def _commit_pending(self) -> None:
        while self._pending and self._consumer is not None:
            offsets, self._pending = self._pending, {}
            wanted = {
                TopicPartition(self.topic, p): o
                for p, o in offsets.items()
                if p in self.lanes.lanes and o > self.committed.get(p, -1)
            }
            if not wanted:
                continue
            try:
                await self._consumer.commit(wanted)
            except Exception as error:  # a rebalance or the broker away: the next one goes on
                log.info("offset commit failed", topic=self.topic, error=repr(error))
                return
            for tp, offset in wanted.items():
                self.committed[tp.partition] = offset

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self._busy:  # the batch in hand finishes (its effects commit) first
            if self._commits is not None and not self._commits.done():
                with contextlib.suppress(Exception):
                    await self._commits
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await self._commit_pending()
            self.lanes.revoke(tp.partition for tp in revoked if tp.topic == self.topic)
        for tp in revoked:
            self.committed.pop(tp.partition, None)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self.lanes.assign(tp.partition for tp in assigned if tp.topic == self.topic)
