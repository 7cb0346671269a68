"""Distributed mode end to end beside embedded: full lifecycles/s and place→confirmed p99; and
the Kafka consumer (``KafkaFeed``: group member, parse, fan-out) beside a raw aiokafka loop.

The distributed system is ``deploy/local/up.sh`` (a process per service, nginx gateway) in a
private namespace on KAFKA_BOOTSTRAP_SERVERS (else a broker started here) and DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from bench.harness import Context
from bench.processes import embedded as embedded_server
from bench.report import Section, fmt_rate, fmt_ratio
from runtime.credentials import DemoLogins
from runtime.demo import seed
from runtime.demo_data import DemoWorld, build_world
from runtime.simulate import simulate
from shared.messaging.kafka.feed import KafkaFeed
from shared.messaging.kafka.topics import events_topic

NAME = "distributed"
ROOT = Path(__file__).resolve().parent.parent
LIFECYCLES_GOAL = 100.0
CONFIRM_P99_GOAL_MS = 300.0
FEED_OVER_RAW_GOAL = 0.3
IN_FLIGHT = 10


def _script(path: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", str(ROOT / path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{path} failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@contextlib.asynccontextmanager
async def _kafka(ctx: Context) -> AsyncIterator[str]:
    """KAFKA_BOOTSTRAP_SERVERS, else a broker of this run in its work directory."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    env = {**os.environ, "KAFKA_DIR": str(ctx.workdir / "kafka")}
    ctx.progress.say("distributed: starting a Kafka broker (deploy/local/kafka)")
    try:
        yield await asyncio.to_thread(_script, "deploy/local/kafka/start.sh", env)
    finally:
        await asyncio.to_thread(_script, "deploy/local/kafka/stop.sh", env)


@contextlib.asynccontextmanager
async def _distributed(ctx: Context, kafka: str, namespace: str) -> AsyncIterator[str]:
    """``up.sh`` in a private namespace; yields the gateway URL; ``down.sh`` afterwards."""
    assert ctx.database_url is not None
    env = {
        **os.environ,
        "UP_DIR": str(ctx.workdir / "up"),
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": ctx.database_url,
        "B2B_DATABASE_PREFIX": namespace,
        "B2B_KAFKA_NAMESPACE": f"{namespace}.",
        "B2B_ORDER_RATE": "1000000/minute",
        "B2B_LOGIN_RATE": "1000000/minute",
    }
    try:
        await asyncio.to_thread(_script, "deploy/local/up.sh", env)
        yield (ctx.workdir / "up" / "gateway-url").read_text().strip()
    finally:
        await asyncio.to_thread(_script, "deploy/local/down.sh", env)


@contextlib.asynccontextmanager
async def _client(
    url: str, world: DemoWorld
) -> AsyncIterator[tuple[httpx.AsyncClient, DemoLogins]]:
    """One client and one set of log-ins for the whole run (log-ins are rate limited)."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        yield client, DemoLogins(client, world)


async def _lifecycles(
    client: httpx.AsyncClient, logins: DemoLogins, world: DemoWorld, orders: int
) -> dict[str, Any]:
    summary = await simulate(
        client, world, orders, IN_FLIGHT, credentials=logins, scenarios=["happy"], timeout=120
    )
    return summary.as_dict()


async def _raw_rate(kafka: str, topic: str, count: int) -> float:
    """Messages/s of a bare aiokafka group member reading ``count`` messages (bytes only)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=f"bench-raw-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        seen, started = 0, time.monotonic()
        while seen < count:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            seen += sum(len(messages) for messages in batches.values())
        await consumer.commit()
        return seen / (time.monotonic() - started)
    finally:
        await consumer.stop()


async def _feed_rate(kafka: str, namespace: str, count: int) -> float:
    """Events/s that ``KafkaFeed`` hands one subscriber: consume, parse, dedupe, fan out, commit."""

    async def poison(message: ConsumerRecord, error: Exception) -> None:
        raise RuntimeError(f"the bench topic holds a message that is not an event: {error!r}")

    def consumer() -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=kafka,
            group_id=f"bench-feed-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=100,
        )

    feed = KafkaFeed(
        "order",
        consumer,
        subscribers=1,
        checkpoint_floor=lambda: 2**62,
        on_poison=poison,
        namespace=namespace,
    )
    batches = feed.batches(0)
    started = time.monotonic()
    running = asyncio.create_task(feed.run())
    try:
        seen = 0
        async for batch in batches:
            seen += len(batch)
            if seen >= count:
                break
        return seen / (time.monotonic() - started)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def _topic_size(kafka: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        return int((await consumer.end_offsets([partition]))[partition])
    finally:
        await consumer.stop()


async def run(ctx: Context) -> list[Section]:
    if ctx.database_url is None:
        ctx.progress.say("distributed: skipped (no DATABASE_URL; run it with make bench)")
        return []
    orders = 40 if ctx.quick else 200
    world = build_world(scale=0.1)
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    async with _kafka(ctx) as kafka:
        ctx.progress.say("distributed: make up (a process per service, gateway) and seed")
        async with _distributed(ctx, kafka, namespace) as url, _client(url, world) as (c, logins):
            await seed(c, logins, world)
            await _lifecycles(c, logins, world, IN_FLIGHT)  # warm up
            ctx.progress.say(f"distributed: {orders} happy lifecycles, {IN_FLIGHT} in flight")
            spread = await _lifecycles(c, logins, world, orders)
            topic = events_topic("order", f"{namespace}.")
            size = await _topic_size(kafka, topic)
            ctx.progress.say(f"distributed: raw aiokafka loop and KafkaFeed over {size} events")
            raw = await _raw_rate(kafka, topic, size)
            fed = await _feed_rate(kafka, f"{namespace}.", size)
    ctx.progress.say(f"distributed: the same {orders} lifecycles embedded (`b2b run`)")
    async with (
        embedded_server(ctx, "distributed-embedded", None) as server,
        _client(server.url, build_world()) as (client, logins),
    ):
        embedded = await _lifecycles(client, logins, build_world(), orders)
    return _sections(ctx, orders, spread, embedded, size, raw, fed)


def _sections(
    ctx: Context,
    orders: int,
    spread: dict[str, Any],
    embedded: dict[str, Any],
    size: int,
    raw: float,
    fed: float,
) -> list[Section]:
    p99 = spread["place_to_confirmed_ms"]["p99"]
    rows = [
        [
            f"full lifecycles / s (happy path, {IN_FLIGHT} in flight)",
            fmt_rate(spread["orders_per_second"]),
            f"{fmt_rate(embedded['orders_per_second'])} (embedded)",
            fmt_ratio(spread["orders_per_second"] / embedded["orders_per_second"]),
            f"≥ {LIFECYCLES_GOAL:.0f}/s",
        ],
        [
            "place → confirmed p99",
            f"{p99} ms",
            f"{embedded['place_to_confirmed_ms']['p99']} ms (embedded)",
            "",
            f"≤ {CONFIRM_P99_GOAL_MS:.0f} ms",
        ],
        [
            "place → confirmed p50",
            f"{spread['place_to_confirmed_ms']['p50']} ms",
            f"{embedded['place_to_confirmed_ms']['p50']} ms (embedded)",
            "",
            "",
        ],
        [
            f"consumer events / s ({size} events of the order topic)",
            fmt_rate(fed),
            f"{fmt_rate(raw)} (raw aiokafka loop, bytes only)",
            fmt_ratio(fed / raw if raw else None),
            f"≥ {FEED_OVER_RAW_GOAL}x",
        ],
    ]
    wrong = [
        f"{s['orders'] - s['as_expected']} {m}"
        for m, s in (("distributed", spread), ("embedded", embedded))
        if s["as_expected"] != s["orders"]
    ]
    return [
        Section(
            title="Distributed mode: lifecycles across processes, and the Kafka consumer",
            method=(
                "`deploy/local/up.sh` (each service its own `b2b node` process on PostgreSQL, "
                "Kafka between them, nginx in front) seeded with the demo parties and a tenth of "
                f"the catalog; this process drives {orders} happy-path orders through the gateway "
                f"(`runtime/simulate.py`, {IN_FLIGHT} in flight) after {IN_FLIGHT} warm-up orders. "
                f"The same {orders} orders then run against `b2b run` (embedded, SQLite). Last, "
                "the order topic the run produced is read from the start by a fresh group: a bare "
                "aiokafka `getmany` loop (bytes only), then `KafkaFeed` (the consumer the services "
                "use: parse with the event registry, drop what a subscriber holds, hand it over, "
                "commit). One run of each."
            ),
            headers=["figure", "distributed", "baseline", "ratio", "goal"],
            rows=rows,
            notes=(
                (
                    "Every order ended as expected. "
                    if not wrong
                    else f"Not as expected: {', '.join(wrong)}. "
                )
                + "The load generator, Kafka, PostgreSQL, nginx and five service processes share "
                "the 2 cores. Consumers are plain aiokafka groups, not Faust (docs/distributed.md)."
            ),
        )
    ]
