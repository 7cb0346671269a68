"""The outbox relay: the event store is the outbox; its global log goes to ``<service>.events.v1``.

Each event goes to the partition of its key (the order's id, else its stream's id: Kafka's
default partitioner), so one order's events stay in log order within one partition. Each batch
is produced and acknowledged by the broker before the relay stores its position, so nothing
stored is lost when Kafka or the relay dies; at worst a batch is produced again, and consumers
drop what they already hold by its position (positions grow within every partition).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from aiokafka import AIOKafkaProducer

from shared.eventstore.port import RecordedEvent
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.decoding import decode
from shared.messaging.dispatcher import Feed
from shared.messaging.kafka.topics import events_topic
from shared.messaging.kafka.wire import encode, message_key

log = structlog.get_logger(__name__)

RELAY = "relay:kafka"


class OutboxRelay:
    """Follows one service's store and publishes every event, in log order per key."""

    def __init__(
        self,
        service: str,
        store: Feed,
        checkpoints: CheckpointStore,
        producer_factory: Callable[[], AIOKafkaProducer],
        *,
        namespace: str = "",
        retry_delay: float = 1.0,
    ) -> None:
        self.service = service
        self.store = store
        self.checkpoints = checkpoints
        self.producer_factory = producer_factory
        self.topic = events_topic(service, namespace)
        self.retry_delay = retry_delay
        self.position = 0
        self.published = 0

    async def run(self) -> None:
        """Publish until cancelled; after a broker failure start again from the stored position."""
        while True:
            producer = self.producer_factory()
            try:
                await producer.start()
                self.position = await self.checkpoints.load(RELAY, self.service)
                async for batch in self.store.batches(self.position, 500):
                    await self._publish(producer, batch)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("relay restarts", service=self.service, error=repr(error))
                await asyncio.sleep(self.retry_delay)
            finally:
                await _stop(producer)

    async def _publish(self, producer: AIOKafkaProducer, batch: list[RecordedEvent]) -> None:
        acks = []
        for record in batch:
            try:
                envelope = decode(record)
            except Exception as error:  # cannot happen for events appended through the kernel
                log.error(
                    "relay skips an event that fits no contract",
                    position=record.position,
                    event_type=record.event_type,
                    error=repr(error),
                )
                continue
            acks.append(
                await producer.send(self.topic, value=encode(envelope), key=message_key(envelope))
            )
        await asyncio.gather(*acks)
        self.position = batch[-1].position
        await self.checkpoints.save(RELAY, self.service, self.position)
        self.published += len(batch)


async def _stop(producer: AIOKafkaProducer) -> None:
    try:
        await producer.stop()
    except Exception as error:  # a broken producer may fail to stop; a new one replaces it
        log.debug("producer did not stop cleanly", error=repr(error))
