"""The services as separate processes on real Kafka and PostgreSQL, two consumer-group members
per service: every scenario ends as it should; a worker killed mid-flow (its partitions move to
the other member), a killed service and a restarted broker lose nothing and double nothing,
stock is conserved and agrees across services, and every group's lag returns to 0; a poison
message is dead-lettered."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from runtime.simulate import SCENARIOS
from shared.messaging.kafka.admin import committed_offsets, end_offsets, group_lag
from shared.messaging.kafka.topics import dead_letters_topic, events_topic
from tests.helpers import eventually
from tests.integration.conftest import SERVICES, Distributed, drive

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

CONSUMERS_OF_ORDER = ("pricing", "inventory", "logistics", "payment")
# Scenarios with exactly one reservation and one invoice per order: doubles are then effects twice.
SINGLE_EFFECT = ["happy", "partial_acceptance", "happy", "happy", "partial_acceptance", "happy"]


async def _placed(system: Distributed) -> int:
    rows = await system.query(
        "order", "SELECT count(*) FROM events WHERE event_type = 'OrderPlaced'"
    )
    return int(rows[0][0])


async def _doubles(system: Distributed) -> dict[str, list[tuple[Any, ...]]]:
    """Orders reserved twice, and shipments invoiced twice: an effect applied twice."""
    reserved = await system.query(
        "inventory",
        "SELECT metadata::json->>'correlation_id', count(*) FROM events "
        "WHERE event_type = 'StockReserved' GROUP BY 1 HAVING count(*) > 1",
    )
    # A prepayment bills an order, not a shipment: it counts once per order.
    invoiced = await system.query(
        "payment",
        "SELECT coalesce(data::json->>'shipment_id', 'order ' || (data::json->>'order_id')), "
        "count(*) FROM events WHERE event_type = 'InvoiceIssued' GROUP BY 1 HAVING count(*) > 1",
    )
    return {"reserved twice": reserved, "invoiced twice": invoiced}


async def _stock(system: Distributed) -> dict[str, Any]:
    """Inventory's stock levels, what its events add up to, and pricing's copy (from Kafka)."""
    levels = await system.query(
        "inventory",
        "SELECT warehouse_id, sku, on_hand, reserved FROM inventory_stock_levels",
    )
    moved = await system.query(
        "inventory",
        """
        SELECT w, s, sum(q) FROM (
          SELECT data::json->>'warehouse_id' AS w, data::json->>'sku' AS s,
                 (data::json->>'quantity')::int AS q
            FROM events WHERE event_type = 'StockReceived'
          UNION ALL
          SELECT data::json->>'warehouse_id', data::json->>'sku', (data::json->>'delta')::int
            FROM events WHERE event_type = 'StockAdjusted'
          UNION ALL
          SELECT data::json->>'warehouse_id', line->>'sku', -(line->>'quantity')::int
            FROM events, json_array_elements(data::json->'lines') AS line
           WHERE event_type = 'StockCommitted'
        ) AS movements GROUP BY w, s
        """,
    )
    copied = await system.query(
        "pricing", "SELECT warehouse_id, sku, on_hand, reserved FROM pricing_stock"
    )
    return {
        "levels": sorted(levels),
        "received - committed ± adjusted": sorted((w, s, int(q)) for w, s, q in moved),
        "pricing's copy": sorted(copied),
    }


async def _lags(system: Distributed) -> dict[str, int]:
    """Every consumer group's lag, ``<service><<source>`` (the sources from /health)."""
    lags = {}
    servers, ns = system.broker.bootstrap, system.namespace
    async with httpx.AsyncClient(timeout=10) as client:
        for service in SERVICES:
            port = (system.up_dir / "pids" / f"{service}.port").read_text().strip()
            health = (await client.get(f"http://127.0.0.1:{port}/health")).json()
            for source in health["consumers"]:
                group = f"{ns}{service}<{source}"
                lags[group] = await group_lag(servers, group, events_topic(source, ns))
    return lags


async def _lagging(system: Distributed, lags: dict[str, int]) -> dict[str, Any]:
    """For each group still behind: every partition's end and committed offsets, and what each
    of the service's processes says of that source on /health (held, stored, committed)."""
    servers, ns = system.broker.bootstrap, system.namespace
    found: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for group in (g for g, lag in lags.items() if lag):
            service, source = group.removeprefix(ns).split("<")
            topic = events_topic(source, ns)
            ends = await end_offsets(servers, topic)
            done = await committed_offsets(servers, group, topic)
            processes = {}
            for name in (service, f"{service}-w2"):
                port_file = system.up_dir / "pids" / f"{name}.port"
                try:
                    port = port_file.read_text().strip()
                    health = await client.get(f"http://127.0.0.1:{port}/health")
                    processes[name] = health.json()["consumers"].get(source)
                except (OSError, httpx.HTTPError, ValueError) as error:
                    processes[name] = repr(error)
            found[group] = {
                "behind": {p: (done.get(p), end) for p, end in ends.items() if done.get(p) != end},
                "processes": processes,
            }
    return found


async def _invariants(system: Distributed) -> None:
    """Nothing doubled; every group caught up; stock conserved and the same in both services."""
    assert await _doubles(system) == {"reserved twice": [], "invoiced twice": []}
    try:
        await eventually(
            lambda: _lags(system),
            lambda lags: not any(lags.values()),
            timeout=60,
            what="every consumer group's lag at 0",
        )
    except AssertionError as failed:
        detail = await _lagging(system, await _lags(system))
        raise AssertionError(f"{failed}\n(committed, end) by partition: {detail!r}") from None

    def conserved(stock: dict[str, Any]) -> bool:
        levels = stock["levels"]
        moved = {(w, s): q for w, s, q in stock["received - committed ± adjusted"]}
        return (
            all(0 <= reserved <= on_hand for _, _, on_hand, reserved in levels)
            and all(moved.get((w, s)) == on_hand for w, s, on_hand, _ in levels)
            and sorted(levels) == stock["pricing's copy"]
        )

    await eventually(
        lambda: _stock(system), conserved, timeout=60, what="stock conserved and agreeing"
    )


async def _mid_flow(system: Distributed, seed: int) -> asyncio.Task[dict[str, Any]]:
    """Start orders and return once some are placed (their effects still to come)."""
    before = await _placed(system)
    running = asyncio.create_task(drive(system, len(SINGLE_EFFECT), seed, SINGLE_EFFECT))
    await eventually(
        lambda: _placed(system),
        lambda placed: placed > before or running.done(),
        timeout=120,
        interval=0.05,
        what="orders placed",
    )
    assert not running.done(), running.result()
    return running


async def test_every_scenario_ends_as_expected_across_separate_processes(
    distributed: Distributed,
) -> None:
    scenarios = [*SCENARIOS, "happy"]
    summary = await drive(distributed, len(scenarios), seed=1, scenarios=scenarios)
    assert summary["unexpected"] == [], summary
    assert summary["as_expected"] == len(scenarios), summary
    await _invariants(distributed)


async def test_a_worker_killed_mid_flow_hands_its_partitions_over_and_nothing_doubles(
    distributed: Distributed,
) -> None:
    running = await _mid_flow(distributed, seed=4)
    for service in ("inventory", "payment"):
        os.kill(distributed.pid(f"{service}-w2"), signal.SIGKILL)  # its partitions move
    summary = await running
    assert summary["unexpected"] == [], summary
    assert summary["as_expected"] == len(SINGLE_EFFECT), summary
    await asyncio.to_thread(distributed.up)  # back in the groups: partitions move again
    await _invariants(distributed)


async def test_a_service_killed_mid_flow_catches_up_with_no_double_effect(
    distributed: Distributed,
) -> None:
    running = await _mid_flow(distributed, seed=2)
    os.kill(distributed.pid("inventory"), signal.SIGKILL)
    await asyncio.to_thread(distributed.up)
    summary = await running
    assert summary["unexpected"] == [], summary
    assert summary["as_expected"] == len(SINGLE_EFFECT), summary
    await _invariants(distributed)


async def test_a_broker_restarted_mid_flow_loses_nothing(distributed: Distributed) -> None:
    if distributed.broker.cannot_restart:
        pytest.skip(distributed.broker.cannot_restart)
    running = await _mid_flow(distributed, seed=3)
    await asyncio.to_thread(distributed.broker.restart)
    summary = await running
    assert summary["unexpected"] == [], summary
    assert summary["as_expected"] == len(SINGLE_EFFECT), summary
    await _invariants(distributed)


async def test_a_poison_message_is_dead_lettered_and_lag_returns_to_zero(
    distributed: Distributed,
) -> None:
    servers = distributed.broker.bootstrap
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
                    and dict(m.headers).get("source-partition") == str(sent.partition).encode()
                ]

            found = await eventually(poisoned, timeout=60, what=f"{service} dead letter")
            assert "error" in found[0]
        finally:
            await consumer.stop()
        group, topic = f"{ns}{service}<order", events_topic("order", ns)

        async def lag(group: str = group, topic: str = topic) -> int:
            return await group_lag(servers, group, topic)

        await eventually(
            lag,
            lambda lag: lag == 0,
            timeout=60,
            what=f"{service}'s lag on the order topic",
        )
