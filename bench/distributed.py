"""Distributed mode: the consumer groups (events/s per worker, 2 workers ÷ 1, the pause a
rebalance costs, nothing lost or doubled), and full lifecycles through the gateway with 1 and
2 workers per service (lifecycles/s, place → confirmed p99 at 20 orders/s offered), beside the
embedded mode; and from those, what 1M orders a day needs.

The consumers run on the stock rig (bench/stockrig.py): stock movements on a 12-partition
topic, drained by ``b2b worker --service pricing`` processes whose stock per SKU must come out
exact. The lifecycles run on ``deploy/local/up.sh`` (a process per service and WORKERS - 1
workers beside it, nginx in front) in a private namespace on KAFKA_BOOTSTRAP_SERVERS (else a
broker started here) and DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from bench import stockrig
from bench.harness import Context
from bench.processes import embedded as embedded_server
from bench.report import TIMES, Section, fmt_rate, fmt_ratio
from runtime.credentials import DemoLogins
from runtime.demo import seed
from runtime.demo_data import DemoWorld, build_world
from runtime.simulate import simulate
from shared.messaging.kafka.admin import end_offsets
from shared.messaging.kafka.topics import events_topic
from shared.messaging.kafka.wire import decode

NAME = "distributed"
ROOT = Path(__file__).resolve().parent.parent
LIFECYCLES_GOAL = 100.0
CONFIRM_P99_GOAL_MS = 300.0
OFFERED = 20
IN_FLIGHT = 10
CONSUMERS = ("faust",)
"""The workers' consumer-group member (Faust, kept by the bake-off in docs/distributed.md; the
aiokafka member it beat is gone, the raw aiokafka baseline stays)."""
KEEP_SHARE = 0.3
"""Faust stays only if exact in every run and at least this share of the aiokafka member's rate."""
ORDERS_PER_DAY = 1_000_000
PEAK_OVER_MEAN = 4.0
"""Orders arrive in business hours: the peak hour is taken as 4 times the day's mean rate."""
SERVICES = ("order", "pricing", "inventory", "logistics", "payment")


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


# --- the consumer groups ------------------------------------------------------------------------


@dataclass
class Drain:
    """One group draining the rig's topic."""

    consumer: str
    workers: int
    events: int
    seconds: float
    exact: bool

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def _drain(
    ctx: Context, kafka: str, consumer: str, workers: int, found: stockrig.Movements
) -> Drain:
    """Workers started and in their group on an empty topic; then the movements are published
    and the time runs until the group's lag is 0."""
    assert ctx.database_url is not None
    name = f"bd{uuid.uuid4().hex[:6]}"
    async with stockrig.group(kafka, ctx.database_url, ctx.workdir, name) as group:
        await asyncio.gather(*(group.start(i) for i in range(workers)))
        await _all_held(group, workers)
        started = time.monotonic()
        events = await stockrig.publish(kafka, group.namespace, found)
        await group.drained(timeout=900, interval=0.05)
        seconds = time.monotonic() - started
        exact = stockrig.differences(found.expected, await group.stock())["wrong"] == 0
    return Drain(consumer, workers, events, seconds, exact)


async def _all_held(group: stockrig.Group, workers: int, timeout: float = 120) -> None:
    """Until the workers hold every partition between them (the group has settled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = [p for i in range(workers) for p in await group.partitions(i)]
        if len(held) == len(set(held)) == stockrig.PARTITIONS:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the workers did not share the partitions out")


async def _raw(kafka: str, found: stockrig.Movements) -> Drain:
    """The baseline: a bare aiokafka group member in this process on the same topic: decodes
    each message (pydantic, as the workers do), no effect, offsets committed per batch. The
    workers' rate over this one is what the kernel's unit of work costs."""
    name = f"br{uuid.uuid4().hex[:6]}."
    topic = events_topic(stockrig.SOURCE, name)
    events = await stockrig.publish(kafka, name, found)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=name + stockrig.GROUP,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    seen: set[int] = set()
    consumed = 0
    try:
        started = time.monotonic()
        while consumed < events and time.monotonic() - started < 600:
            fetched = await consumer.getmany(timeout_ms=1000, max_records=500)
            for messages in fetched.values():
                for message in messages:
                    seen.add(decode(message.value).position)
                    consumed += 1
            if fetched:
                await consumer.commit()
        seconds = time.monotonic() - started
    finally:
        await consumer.stop()
    return Drain("raw aiokafka (baseline)", 1, consumed, seconds, seen == set(range(1, events + 1)))


@dataclass
class Pause:
    consumer: str
    how: str
    seconds: float
    exact: bool


async def _pause(
    ctx: Context, kafka: str, consumer: str, found: stockrig.Movements, how: signal.Signals
) -> Pause:
    """Two workers on a backlog; one stops (``how``); seconds until the other moves one of its
    partitions on (their lanes' checkpoints, stored with the effects)."""
    assert ctx.database_url is not None
    name = f"bp{uuid.uuid4().hex[:6]}"
    async with stockrig.group(kafka, ctx.database_url, ctx.workdir, name) as group:
        await asyncio.gather(group.start(0), group.start(1))
        await _all_held(group, 2)
        await stockrig.publish(kafka, group.namespace, found)  # a backlog: the lag is > 0
        lanes = [f"{stockrig.SOURCE}#{p}" for p in await group.partitions(1)]
        before = await group.lanes(lanes)
        stopped = time.monotonic()
        await group.kill(1, how)
        while (now := await group.lanes(lanes)) == before or not any(
            now.get(lane, 0) > before.get(lane, 0) for lane in lanes
        ):
            if time.monotonic() - stopped > 120:
                raise RuntimeError("the partitions of the stopped worker did not move on")
            await asyncio.sleep(0.05)
        pause = time.monotonic() - stopped
        await group.drained(timeout=900)
        exact = stockrig.differences(found.expected, await group.stock())["wrong"] == 0
    return Pause(consumer, how.name, pause, exact)


# --- lifecycles through the gateway -------------------------------------------------------------


@contextlib.asynccontextmanager
async def _distributed(
    ctx: Context, kafka: str, namespace: str, workers: int
) -> AsyncIterator[tuple[str, Path]]:
    """``up.sh`` with WORKERS in a private namespace; yields the gateway URL and its UP_DIR."""
    assert ctx.database_url is not None
    up_dir = ctx.workdir / f"up-{namespace}"
    env = {
        **os.environ,
        "UP_DIR": str(up_dir),
        "WORKERS": str(workers),
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": ctx.database_url,
        "B2B_DATABASE_PREFIX": namespace,
        "B2B_KAFKA_NAMESPACE": f"{namespace}.",
        "B2B_ORDER_RATE": "1000000/minute",
        "B2B_LOGIN_RATE": "1000000/minute",
        "B2B_PORT_BASE": "",  # two systems one after the other: ports picked afresh
    }
    try:
        await asyncio.to_thread(_script, "deploy/local/up.sh", env)
        yield (up_dir / "gateway-url").read_text().strip(), up_dir
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


async def _offered(
    client: httpx.AsyncClient, logins: DemoLogins, world: DemoWorld, seconds: float
) -> dict[str, Any]:
    """Orders to an auto-confirming supplier at OFFERED per second (not waiting for answers);
    place → confirmed from the OrderConfirmed line of each order's timeline."""
    supplier = next(s for s in world.suppliers if s.auto_confirm)
    buyer = world.buyers[0]
    headers = {
        **await logins.headers(f"buyer:{buyer.buyer_id}"),
        "Content-Type": "application/json",
    }
    products = supplier.products
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    sent: list[tuple[str, float]] = []

    async def one(index: int) -> None:
        await asyncio.sleep(max(0.0, start + index / OFFERED - loop.time()))
        product = products[index % len(products)]
        body = {
            "buyer_id": str(buyer.buyer_id),
            "supplier_id": str(supplier.supplier_id),
            "lines": [{"sku": product.sku, "quantity": product.min_order_qty}],
        }
        at = time.time()
        answer = await client.post("/api/v1/orders", json=body, headers=headers)
        if answer.status_code == 201:
            sent.append((answer.json()["id"], at))

    count = int(OFFERED * seconds)
    await asyncio.gather(*(one(i) for i in range(count)))
    deadline = time.monotonic() + 120

    async def confirmed(order_id: str, at: float) -> float | None:
        """ms from the POST to OrderConfirmed (None: not confirmed by the deadline)."""
        while time.monotonic() < deadline:
            response = await client.get(f"/api/v1/orders/{order_id}", headers=headers)
            if response.status_code != 200:  # not readable yet, or the gateway overloaded
                await asyncio.sleep(0.2)
                continue
            timeline = response.json().get("timeline", ())
            when = [e["at"] for e in timeline if e["event"] == "OrderConfirmed"]
            if when:
                return (datetime.fromisoformat(when[0]).timestamp() - at) * 1000
            await asyncio.sleep(0.2)
        return None

    found = await asyncio.gather(*(confirmed(order_id, at) for order_id, at in sent))
    latencies = sorted(ms for ms in found if ms is not None)
    return {
        "sent": count,
        "confirmed": len(latencies),
        "p50": _at(latencies, 0.5),
        "p99": _at(latencies, 0.99),
    }


def _at(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, math.ceil(q * len(values)) - 1)], 1)


async def _events_per_order(kafka: str, namespace: str, orders: int) -> dict[str, float]:
    """Events each service's topic carried per lifecycle in the run (seeding included)."""
    found = {}
    for service in SERVICES:
        ends = await end_offsets(kafka, events_topic(service, f"{namespace}."))
        found[service] = sum(ends.values()) / orders
    return found


async def _followers(up_dir: Path) -> dict[str, list[str]]:
    """The sources each service's workers follow (its /health)."""
    found = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for service in SERVICES:
            port = (up_dir / "pids" / f"{service}.port").read_text().strip()
            health = (await client.get(f"http://127.0.0.1:{port}/health")).json()
            found[service] = sorted(health["consumers"])
    return found


@dataclass
class System:
    workers: int
    closed: dict[str, Any]
    offered: dict[str, Any]
    per_order: dict[str, float]
    follows: dict[str, list[str]]


async def _system(ctx: Context, kafka: str, workers: int, orders: int) -> System:
    # Stock for every order of the run: a shortage would end a happy order otherwise.
    small = build_world(scale=0.1)
    world = replace(small, stock={key: units * 20 for key, units in small.stock.items()})
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    ctx.progress.say(f"distributed: make up WORKERS={workers}, seed, {orders} lifecycles")
    async with (
        _distributed(ctx, kafka, namespace, workers) as (url, up_dir),
        _client(url, world) as (client, logins),
    ):
        await seed(client, logins, world)
        await _lifecycles(client, logins, world, IN_FLIGHT)  # warm up
        closed = await _lifecycles(client, logins, world, orders)
        if closed["unexpected"]:
            ctx.progress.say(f"distributed: not as expected: {closed['unexpected'][:3]}")
        ctx.progress.say(f"distributed: {OFFERED} orders/s offered, WORKERS={workers}")
        offered = await _offered(client, logins, world, 5 if ctx.quick else 10)
        per_order = await _events_per_order(kafka, namespace, orders + IN_FLIGHT)
        follows = await _followers(up_dir)
    return System(workers, closed, offered, per_order, follows)


# --- the module ---------------------------------------------------------------------------------


async def run(ctx: Context) -> list[Section]:
    if ctx.database_url is None:
        ctx.progress.say("distributed: skipped (no DATABASE_URL; run it with make bench)")
        return []
    orders = 40 if ctx.quick else 200
    found = stockrig.movements(5_000 if ctx.quick else 30_000)
    drains: list[Drain] = []
    pauses: list[Pause] = []
    async with _kafka(ctx) as kafka:
        ctx.progress.say("distributed: the raw aiokafka baseline drains the rig")
        drains.append(await _raw(kafka, found))
        for consumer in CONSUMERS:
            for workers in (1, 2):
                ctx.progress.say(f"distributed: {consumer}, {workers} worker(s) drain the rig")
                drains.append(await _drain(ctx, kafka, consumer, workers, found))
            for how in (signal.SIGTERM, signal.SIGKILL):
                ctx.progress.say(f"distributed: {consumer}, a worker stopped ({how.name})")
                pauses.append(await _pause(ctx, kafka, consumer, found, how))
        systems = [await _system(ctx, kafka, workers, orders) for workers in (1, 2)]
    ctx.progress.say(f"distributed: the same {orders} lifecycles embedded (`b2b run`)")
    async with (
        embedded_server(ctx, "distributed-embedded", None) as server,
        _client(server.url, build_world()) as (client, logins),
    ):
        embedded = await _lifecycles(client, logins, build_world(), orders)
    if embedded["unexpected"]:
        ctx.progress.say(f"distributed: embedded, not as expected: {embedded['unexpected'][:3]}")
    return [
        _consumers_section(drains, pauses, len(found.envelopes)),
        _lifecycles_section(orders, systems, embedded),
        _capacity_section(drains, systems),
    ]


def _consumers_section(drains: list[Drain], pauses: list[Pause], events: int) -> Section:
    rows = []
    base = next(d for d in drains if d.consumer == CONSUMERS[0] and d.workers == 1)
    raw = next((d for d in drains if d.consumer not in CONSUMERS), None)
    if raw is not None:
        exact = "yes" if raw.exact else "**no**"
        rows.append([raw.consumer, fmt_rate(raw.rate), "—", "—", "—", "—", exact])
        rows[-1].append(fmt_ratio(raw.rate / base.rate))
    verdicts = []
    for consumer in CONSUMERS:
        one = next(d for d in drains if d.consumer == consumer and d.workers == 1)
        two = next(d for d in drains if d.consumer == consumer and d.workers == 2)
        paused = {p.how: p for p in pauses if p.consumer == consumer}
        exact = all(d.exact for d in (one, two)) and all(p.exact for p in paused.values())
        rows.append(
            [
                consumer,
                fmt_rate(one.rate),
                fmt_rate(two.rate),
                fmt_ratio(two.rate / one.rate),
                _seconds(paused.get("SIGTERM")),
                _seconds(paused.get("SIGKILL")),
                "yes" if exact else "**no**",
                fmt_ratio(one.rate / base.rate),
            ]
        )
        if consumer != CONSUMERS[0]:
            share = one.rate / base.rate
            keep = exact and share >= KEEP_SHARE
            verdicts.append(
                f"{consumer}: {'exact' if exact else 'NOT exact'} in every run, "
                f"{share:.2f}{TIMES} the {CONSUMERS[0]} member's rate (the rule asks "
                f"{KEEP_SHARE}{TIMES} and exact): {'keep it' if keep else 'keep ' + CONSUMERS[0]}"
            )
    return Section(
        title="Distributed mode: consumer groups (events/s per worker, scaling, rebalance)",
        method=(
            f"The stock rig (`bench/stockrig.py`): {events:,} stock movements (receipts keyed by "
            "SKU stream, reservations, releases and shipments keyed by order) on a 12-partition "
            "topic, drained by `b2b worker --service pricing` processes (their catalog projection "
            "folds each movement as a delta, on PostgreSQL, checkpoints per partition in the same "
            "unit of work). The "
            "workers join their group on the empty topic first; the time runs from the first "
            "message published to the group's lag at 0. The baseline is a bare aiokafka member in "
            "the bench process on the same topic (decodes each event, stores nothing, commits per "
            "batch). Rebalance pause: two workers on that backlog, one stopped (SIGTERM leaves the "
            "group, SIGKILL is found out by the session timeout, 6 s); seconds until the other "
            "moves one of its partitions on. `exact`: after every run (1 and 2 workers, and after "
            "each stop) the stock per SKU equals the movements' sum: nothing lost or doubled."
        ),
        headers=[
            "consumer",
            "1 worker, events/s",
            "2 workers, events/s",
            "2 ÷ 1",
            "pause, SIGTERM",
            "pause, SIGKILL",
            "exact",
            f"1 worker ÷ {CONSUMERS[0]}",
        ],
        rows=rows,
        notes=(
            "The broker, PostgreSQL, the workers and this process share the 2 cores, and every "
            "movement updates the same projection in the same database, whose writers take "
            "turns (each transaction takes the database's writer lock as it begins), so two "
            "processes queue for it. " + ("; ".join(verdicts) + "." if verdicts else "")
        ),
    )


def _seconds(pause: Pause | None) -> str:
    if pause is None:
        return "—"
    return f"{pause.seconds:.1f} s" + ("" if pause.exact else " (**not exact**)")


def _lifecycles_section(orders: int, systems: list[System], embedded: dict[str, Any]) -> Section:
    rows = []
    for system in systems:
        closed, offered = system.closed, system.offered
        wrong = closed["orders"] - closed["as_expected"]
        rows.append(
            [
                f"WORKERS={system.workers}",
                fmt_rate(closed["orders_per_second"]),
                f"{closed['place_to_confirmed_ms']['p99']} ms",
                f"{offered['p50']} ms",
                f"{offered['p99']} ms ({offered['confirmed']}/{offered['sent']} confirmed)",
                "all" if not wrong else f"**{wrong} not**",
            ]
        )
    rows.append(
        [
            "embedded (`b2b run`)",
            fmt_rate(embedded["orders_per_second"]),
            f"{embedded['place_to_confirmed_ms']['p99']} ms",
            "",
            "",
            "all" if embedded["as_expected"] == embedded["orders"] else "**not all**",
        ]
    )
    return Section(
        title="Distributed mode: lifecycles through the gateway with 1 and 2 workers",
        method=(
            "`deploy/local/up.sh` with WORKERS=1 (a `b2b node` per service) and WORKERS=2 (and a "
            "`b2b worker` beside each; workers on the "
            f"{CONSUMERS[0]} member), seeded with the demo parties and a tenth of the "
            "catalog with 20 times its stock. "
            f"Closed loop: {orders} happy-path orders through the gateway, {IN_FLIGHT} in flight "
            f"(`runtime/simulate.py`), after {IN_FLIGHT} warm-up orders. Open loop: orders to an "
            f"auto-confirming supplier at {OFFERED}/s (not waiting for answers); place → confirmed "
            "from the OrderConfirmed line of each order's timeline. The embedded row runs the "
            "same closed loop against `b2b run` (SQLite)."
        ),
        headers=[
            "system",
            f"lifecycles/s ({IN_FLIGHT} in flight)",
            "place → confirmed p99 (closed)",
            f"p50 at {OFFERED}/s offered",
            f"p99 at {OFFERED}/s offered (goal ≤ {CONFIRM_P99_GOAL_MS:.0f} ms)",
            "orders as expected",
        ],
        rows=rows,
        notes=(
            "Ten service processes (WORKERS=2), Kafka, PostgreSQL, nginx and the load generator "
            "share the 2 cores: a second worker per service adds members to every group but no "
            "core to run them on."
        ),
    )


def _capacity_section(drains: list[Drain], systems: list[System]) -> Section:
    """Workers per service for ORDERS_PER_DAY, from the events each service's groups take per
    lifecycle (measured) and the events/s one worker drains (measured on the rig)."""
    system = systems[-1]
    rate = next(d.rate for d in drains if d.consumer == CONSUMERS[0] and d.workers == 1)
    peak_orders = ORDERS_PER_DAY / 86_400 * PEAK_OVER_MEAN
    rows = []
    for service in SERVICES:
        # A topic nothing produces to in distributed mode (sourcing) carries nothing.
        per_order = sum(system.per_order.get(s, 0.0) for s in system.follows.get(service, ()))
        needed = peak_orders * per_order
        workers = max(1, math.ceil(needed / (rate * 0.5)))  # run workers at half their rate
        rows.append(
            [
                service,
                ", ".join(system.follows.get(service, ())),
                f"{per_order:.1f}",
                fmt_rate(needed),
                str(workers),
                str(max(12, 2 * workers)),
            ]
        )
    return Section(
        title="Distributed mode: capacity for 1M orders a day",
        method=(
            f"{ORDERS_PER_DAY:,} orders a day is {ORDERS_PER_DAY / 86_400:.1f}/s on average; the "
            f"peak hour is taken as {PEAK_OVER_MEAN:g}{TIMES} that ({peak_orders:.0f} orders/s). "
            "Events a service's groups take per lifecycle: the events each followed topic "
            "carried per order in the WORKERS=2 run above (seeding included, so a little high). "
            f"One worker drains {fmt_rate(rate)} events/s on the rig ({CONSUMERS[0]}, 1 worker, "
            "this machine); workers are sized to run at half that, and a topic needs at least "
            "as many partitions as the largest group has workers "
            "(twice, for room to grow; 12 at least)."
        ),
        headers=[
            "service",
            "follows",
            "events per order",
            "events/s at peak",
            "workers",
            "partitions",
        ],
        rows=rows,
        notes=(
            "A worker on a real node (a core of its own, PostgreSQL elsewhere) drains more than "
            "on this shared 2-core machine; the rig's events are as cheap as a projection's delta, "
            "policies that append events cost more. Measure your own with "
            "`python -m bench --only distributed`."
        ),
    )
