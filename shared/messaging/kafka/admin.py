"""Topic creation and consumer-group lag, through Kafka's admin API."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], *, replication_factor: int = 1
) -> None:
    """Create missing topics with one partition (the relay keeps log order on partition 0)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = sorted(set(topics) - existing)
        missing = [
            NewTopic(t, num_partitions=1, replication_factor=replication_factor) for t in new
        ]
        if missing:
            # Another service may create the same topic meanwhile.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


async def group_lag(bootstrap_servers: str, group_id: str, topic: str) -> int:
    """Messages on ``topic`` that ``group_id`` has not committed (all, if it never committed)."""
    partition = TopicPartition(topic, 0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id, partitions=[partition])
    finally:
        await admin.close()
    committed = offsets.get(partition)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers)
    await consumer.start()
    try:
        end = (await consumer.end_offsets([partition]))[partition]
    finally:
        await consumer.stop()
    done = committed.offset if committed is not None and committed.offset >= 0 else 0
    return max(0, int(end) - done)
