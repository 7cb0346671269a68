"""The embedded runtime end to end: full order lifecycles per second and place→confirmed
latency, and POST /orders beside GET /health, all over real HTTP on loopback.

The system runs as `b2b run` in its own process (as a user runs it), seeded with the demo
world; the load comes from this process, as `b2b simulate --url` would send it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

from bench.harness import Context
from bench.report import Section, fmt_rate, fmt_ratio
from runtime.credentials import DemoLogins
from runtime.demo_data import build_world
from runtime.simulate import simulate

NAME = "lifecycle"
LIFECYCLES_GOAL = 300.0
CONFIRM_P99_GOAL_MS = 50.0
ORDERS_OVER_HEALTH_GOAL = 0.3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def running_system(ctx: Context) -> AsyncIterator[str]:
    """`b2b run` in a child process on a free port, seeded; yields its base URL."""
    port, data_dir = _free_port(), ctx.workdir / "lifecycle"
    env = {
        **os.environ,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "B2B_ORDER_RATE": "1000000/minute",
        "B2B_LOG_LEVEL": "warning",
    }
    log = (ctx.workdir / "lifecycle-server.log").open("w")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "runtime.cli", "run", env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        async with httpx.AsyncClient(base_url=url) as client:
            while not (data_dir / ".demo-seeded").exists():
                if child.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"b2b run did not come up; see {log.name}")
                await asyncio.sleep(0.5)
            assert (await client.get("/health")).status_code == 200
        yield url
    finally:
        child.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(child.wait(), timeout=30)
        except TimeoutError:
            child.kill()
            await child.wait()
        log.close()


async def _rate(seconds: float, width: int, request: Callable[[], Awaitable[None]]) -> float:
    """Requests per second that ``width`` concurrent loops complete in ``seconds``."""
    done = 0
    stop = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal done
        while time.monotonic() < stop:
            await request()
            done += 1

    start = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(width)))
    return done / (time.monotonic() - start)


async def _http_rates(
    client: httpx.AsyncClient, logins: DemoLogins, seconds: float
) -> tuple[float, float]:
    world = build_world()
    supplier, buyer = world.suppliers[0], world.buyers[0]
    product = supplier.products[0]
    headers = await logins.headers(f"buyer:{buyer.buyer_id}")

    async def health() -> None:
        response = await client.get("/health")
        assert response.status_code == 200

    async def order() -> None:
        body = {
            "buyer_id": str(buyer.buyer_id),
            "supplier_id": str(supplier.supplier_id),
            "lines": [{"sku": product.sku, "quantity": product.min_order_qty}],
        }
        sent = {**headers, "Idempotency-Key": str(uuid.uuid4())}
        response = await client.post("/api/v1/orders", json=body, headers=sent)
        assert response.status_code in (200, 201), response.text

    health_rate = await _rate(seconds, 16, health)
    order_rate = await _rate(seconds, 16, order)
    return health_rate, order_rate


async def run(ctx: Context) -> list[Section]:
    orders = 30 if ctx.quick else 150
    seconds = 3.0 if ctx.quick else 10.0
    ctx.progress.say("lifecycle: starting `b2b run` and seeding the demo world")
    async with running_system(ctx) as url:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
            logins = DemoLogins(client, build_world())
            ctx.progress.say(f"lifecycle: {orders} full lifecycles over HTTP, 10 at a time")
            summary = (
                await simulate(
                    client,
                    build_world(),
                    orders,
                    10,
                    credentials=logins,
                    scenarios=["happy"],
                    timeout=120,
                )
            ).as_dict()
            ctx.progress.say("lifecycle: GET /health and POST /orders rates")
            health_rate, order_rate = await _http_rates(client, logins, seconds)
    calls = 12  # HTTP calls one happy lifecycle makes, besides polling
    confirm_p99 = summary["place_to_confirmed_ms"]["p99"]
    rows = [
        [
            "full lifecycles / s (happy path, 10 in flight)",
            fmt_rate(summary["orders_per_second"]),
            f"{fmt_rate(health_rate / calls)} (GET /health rate ÷ {calls} calls)",
            fmt_ratio(summary["orders_per_second"] / (health_rate / calls)),
            f"≥ {LIFECYCLES_GOAL:.0f}/s",
        ],
        [
            "place → confirmed p99",
            f"{confirm_p99} ms",
            f"p50 {summary['place_to_confirmed_ms']['p50']} ms",
            "",
            f"≤ {CONFIRM_P99_GOAL_MS:.0f} ms",
        ],
        [
            "place → completed p50 / p99",
            "{p50} / {p99} ms".format(**summary["place_to_completed_ms"]),
            "",
            "",
            "",
        ],
        [
            "POST /orders req/s (16 in flight)",
            fmt_rate(order_rate),
            f"{fmt_rate(health_rate)} (GET /health)",
            fmt_ratio(order_rate / health_rate),
            f"≥ {ORDERS_OVER_HEALTH_GOAL}x",
        ],
    ]
    unexpected = summary["orders"] - summary["as_expected"]
    return [
        Section(
            title="Embedded runtime: order lifecycles over HTTP",
            method=(
                "`b2b run` in its own process (one process, five services, SQLite), seeded with "
                f"the demo world; this process drives {orders} happy-path orders through the "
                "whole lifecycle over loopback HTTP as each party would (`runtime/simulate.py`: "
                "place, confirm, ship, track, deliver, accept, pay), 10 in flight, polling the "
                "order's read model between steps. Then GET /health and POST /orders are each "
                f"sent by 16 concurrent loops for {seconds:.0f} s. One run of each."
            ),
            headers=["figure", "ours", "baseline", "ratio", "goal"],
            rows=rows,
            notes=(
                f"{summary['as_expected']} of {summary['orders']} orders ended as expected"
                + (f"; {unexpected} did not" if unexpected else "")
                + ". The load generator shares the 2 cores with the system under test."
            ),
        )
    ]
