"""Dead letters in distributed mode: kept in the service's database and sent to
``<service>.dead-letters.v1`` with the error and the origin in the message headers."""

from __future__ import annotations

import asyncio
import json

import structlog
from aiokafka import AIOKafkaProducer

from shared.eventstore.port import RecordedEvent
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.kafka.lanes import Message
from shared.messaging.kafka.topics import dead_letters_topic
from shared.sql import Database, Transaction

log = structlog.get_logger(__name__)

Headers = list[tuple[str, bytes]]


def _headers(**values: object) -> Headers:
    return [(name.replace("_", "-"), str(value)[:4000].encode()) for name, value in values.items()]


class KafkaDeadLetters(DeadLetters):
    """A :class:`DeadLetters` table that also publishes each dead letter and poison message."""

    def __init__(
        self, engine: Database, service: str, producer: AIOKafkaProducer, namespace: str = ""
    ) -> None:
        super().__init__(engine)
        self.topic = dead_letters_topic(service, namespace)
        self.producer = producer
        self._sending: set[asyncio.Task[None]] = set()

    async def add_in(
        self,
        conn: Transaction,
        consumer: str,
        source: str,
        record: RecordedEvent,
        error: str,
        attempts: int,
    ) -> None:
        await super().add_in(conn, consumer, source, record, error, attempts)
        value = json.dumps(
            {
                "event_id": str(record.event_id),
                "event_type": record.event_type,
                "schema_version": record.schema_version,
                "stream_id": record.stream_id,
                "position": record.position,
                "data": record.data,
                "metadata": record.metadata,
            },
            ensure_ascii=False,
        ).encode()
        headers = _headers(
            error=error,
            consumer=consumer,
            source=source,
            attempts=attempts,
            position=record.position,
        )
        key = record.stream_id.encode()

        def publish() -> None:  # once the letter is committed; the writer never waits for Kafka
            task = asyncio.get_running_loop().create_task(self._publish(value, key, headers))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

        conn.on_commit(publish)

    async def poison(self, message: Message, error: Exception) -> None:
        """A message that is no event at all: publish its bytes as they came, with the error."""
        headers = _headers(
            error=f"{type(error).__name__}: {error}",
            source_topic=message.topic,
            source_partition=message.partition,
            source_offset=message.offset,
        )
        await self._publish(message.value or b"", message.key, headers)

    async def _publish(self, value: bytes, key: bytes | None, headers: Headers) -> None:
        try:
            await self.producer.send_and_wait(self.topic, value=value, key=key, headers=headers)
        except Exception as error:  # the database row stays: operators still see the dead letter
            log.error("dead letter not published", topic=self.topic, error=repr(error))
