"""Topic creation and consumer-group lag, through Kafka's admin API. ``security``: how the
clients sign in (the runtime passes its settings'; tools on the local broker keep plaintext)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.messaging.kafka.security import PLAINTEXT, KafkaSecurity, client_kwargs


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    *,
    partitions: int,
    replication_factor: int = 1,
    security: KafkaSecurity = PLAINTEXT,
) -> None:
    """Create the missing topics with ``partitions`` partitions (existing topics keep theirs:
    a topic's partition count decides where each key lives, it is not changed under a live
    system)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_kwargs(security))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = sorted(set(topics) - existing)
        missing = [
            NewTopic(t, num_partitions=partitions, replication_factor=replication_factor)
            for t in new
        ]
        if missing:
            # Another service may create the same topic meanwhile.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


async def partitions_of(
    bootstrap_servers: str, topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> list[int]:
    """The partitions of ``topic`` (none if it does not exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_kwargs(security))
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(
        p["partition"] for t in described if t["error_code"] == 0 for p in t["partitions"]
    )


async def end_offsets(
    bootstrap_servers: str, topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> dict[int, int]:
    """The next offset of every partition of ``topic``."""
    return await _offsets(bootstrap_servers, topic, security, first=False)


async def beginning_offsets(
    bootstrap_servers: str, topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> dict[int, int]:
    """The first offset still held of every partition of ``topic``."""
    return await _offsets(bootstrap_servers, topic, security, first=True)


async def _offsets(
    bootstrap_servers: str, topic: str, security: KafkaSecurity, *, first: bool
) -> dict[int, int]:
    partitions = [
        TopicPartition(topic, p)
        for p in await partitions_of(bootstrap_servers, topic, security=security)
    ]
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, **client_kwargs(security))
    await consumer.start()
    try:
        if first:
            found = await consumer.beginning_offsets(partitions)
        else:
            found = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return {tp.partition: int(offset) for tp, offset in found.items()}


async def committed_offsets(
    bootstrap_servers: str, group_id: str, topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> dict[int, int]:
    """The offsets ``group_id`` committed on ``topic``, by partition (absent: none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_kwargs(security))
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id)
    finally:
        await admin.close()
    return {
        tp.partition: int(meta.offset)
        for tp, meta in offsets.items()
        if tp.topic == topic and meta is not None and meta.offset >= 0
    }


async def group_lag(
    bootstrap_servers: str, group_id: str, topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> int:
    """Messages on ``topic`` that ``group_id`` has not committed, over every partition."""
    ends = await end_offsets(bootstrap_servers, topic, security=security)
    done = await committed_offsets(bootstrap_servers, group_id, topic, security=security)
    return sum(max(0, end - done.get(partition, 0)) for partition, end in ends.items())
