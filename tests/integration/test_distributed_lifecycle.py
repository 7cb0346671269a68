"""The services as separate processes on real Kafka and PostgreSQL: orders complete, a killed
service catches up with no double effect, a poison message is dead-lettered and lag returns to 0."""

from __future__ import annotations

import json
import os
import signal

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.messaging.kafka.admin import group_lag
from shared.messaging.kafka.topics import dead_letters_topic, events_topic
from tests.helpers import eventually
from tests.integration.conftest import Distributed, simulate

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

CONSUMERS_OF_ORDER = ("pricing", "inventory", "logistics", "payment")


def _summary(process: object) -> dict[str, object]:
    out, err = process.communicate(timeout=400)  # type: ignore[attr-defined]
    assert process.returncode == 0, f"simulate failed:\n{out[-3000:]}\n{err[-3000:]}"  # type: ignore[attr-defined]
    summary: dict[str, object] = json.loads(out)
    return summary


async def _count(system: Distributed, service: str, sql: str) -> list[tuple[object, ...]]:
    url = make_url(system.env["DATABASE_URL"]).set(
        drivername="postgresql+asyncpg", database=f"{system.env['B2B_DATABASE_PREFIX']}_{service}"
    )
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(sql))]
    finally:
        await engine.dispose()


def test_orders_complete_across_separate_processes(distributed: Distributed) -> None:
    summary = _summary(simulate(distributed, orders=6, seed=1))
    assert summary["as_expected"] == 6, summary


async def test_a_service_killed_mid_flow_catches_up_with_no_double_effect(
    distributed: Distributed,
) -> None:
    running = simulate(distributed, orders=6, seed=2)
    await eventually(
        # Orders in flight (the demo seed is done): inventory has reservations to make.
        lambda: _count(
            distributed, "order", "SELECT count(*) FROM events WHERE event_type = 'OrderPlaced'"
        ),
        lambda rows: rows[0][0] > 0,
        timeout=240,
        interval=0.2,
        what="orders placed",
    )
    os.kill(distributed.pid("inventory"), signal.SIGKILL)
    distributed.up()
    summary = _summary(running)
    assert summary["as_expected"] == 6, summary
    doubles = await _count(
        distributed,
        "inventory",
        "SELECT metadata::json->>'correlation_id', count(*) FROM events "
        "WHERE event_type = 'StockReserved' GROUP BY 1 HAVING count(*) > 1",
    )
    assert doubles == []


async def test_a_poison_message_is_dead_lettered_and_lag_returns_to_zero(
    distributed: Distributed,
) -> None:
    servers = distributed.env["KAFKA_BOOTSTRAP_SERVERS"]
    ns = distributed.namespace
    producer = AIOKafkaProducer(bootstrap_servers=servers)
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            events_topic("order", ns), b"\x00not an event", key=b"x"
        )
    finally:
        await producer.stop()

    for service in CONSUMERS_OF_ORDER:
        consumer = AIOKafkaConsumer(
            dead_letters_topic(service, ns), bootstrap_servers=servers, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:

            async def poisoned(consumer: AIOKafkaConsumer = consumer) -> list[dict[str, str]]:
                batches = await consumer.getmany(timeout_ms=500)
                return [
                    {k: v.decode() for k, v in m.headers}
                    for messages in batches.values()
                    for m in messages
                    if dict(m.headers).get("source-offset") == str(sent.offset).encode()
                ]

            found = await eventually(poisoned, timeout=60, what=f"{service} dead letter")
            assert "error" in found[0]
        finally:
            await consumer.stop()
        await eventually(
            lambda service=service: group_lag(
                servers, f"{ns}{service}<order", events_topic("order", ns)
            ),
            lambda lag: lag == 0,
            timeout=60,
            what=f"{service}'s lag on the order topic",
        )
