"""A consumer group of two pricing workers under a stream of stock movements (bench/stockrig.py):
whatever happens mid-flow (a worker killed and restarted, the broker restarted, a message that
is no event), every partition is drained and the stock per SKU is exact: nothing lost (stock
too high or too low) and nothing applied twice."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from bench import stockrig
from shared.messaging.kafka.topics import events_topic
from tests.helpers import eventually
from tests.integration.conftest import Broker

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

ORDERS = 4000  # about 8,000 movements: a few seconds of work for two workers


@pytest.fixture
async def workers(
    kafka_broker: Broker, database_url: str, tmp_path: Path
) -> AsyncIterator[stockrig.Group]:
    name = f"g{uuid.uuid4().hex[:8]}"
    async with stockrig.group(kafka_broker.bootstrap, database_url, tmp_path, name) as group:
        await asyncio.gather(group.start(0), group.start(1))
        yield group


async def _mid_flow(group: stockrig.Group, found: stockrig.Movements) -> asyncio.Task[int]:
    """Publish the movements; return once the workers are busy with them."""
    published = asyncio.create_task(stockrig.publish(group.bootstrap, group.namespace, found))
    await eventually(group.lag, lambda lag: lag > 0 or published.done(), timeout=60, what="lag")
    return published


async def _exact(group: stockrig.Group, found: stockrig.Movements) -> None:
    await group.drained(timeout=180)
    got = await group.stock()
    assert stockrig.differences(found.expected, got)["wrong"] == 0, stockrig.differences(
        found.expected, got
    )


async def test_a_worker_killed_mid_flow_loses_and_doubles_nothing(
    workers: stockrig.Group,
) -> None:
    found = stockrig.movements(ORDERS, seed=11)
    published = await _mid_flow(workers, found)
    await eventually(lambda: workers.partitions(1), timeout=60, what="worker 1's partitions")
    await workers.kill(1, signal.SIGKILL)  # its partitions go to the other one
    await published
    await workers.start(1)  # and some come back
    await _exact(workers, found)


async def test_a_broker_restarted_mid_flow_loses_and_doubles_nothing(
    workers: stockrig.Group, kafka_broker: Broker
) -> None:
    if kafka_broker.cannot_restart:
        pytest.skip(kafka_broker.cannot_restart)
    found = stockrig.movements(ORDERS, seed=12)
    published = await _mid_flow(workers, found)
    await published
    await asyncio.to_thread(kafka_broker.restart)
    await _exact(workers, found)


async def test_a_message_that_is_no_event_is_passed_over(workers: stockrig.Group) -> None:
    found = stockrig.movements(200, seed=13)
    producer = AIOKafkaProducer(bootstrap_servers=workers.bootstrap)
    await producer.start()
    try:
        topic = events_topic(stockrig.SOURCE, workers.namespace)
        await stockrig.publish(workers.bootstrap, workers.namespace, found)
        await producer.send_and_wait(topic, b"\x00 not an event", key=b"x")
    finally:
        await producer.stop()
    await _exact(workers, found)
