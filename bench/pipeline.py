"""The order pipeline end to end, as a user runs it: ``b2b run`` in its own process (SQLite, and
PostgreSQL when DATABASE_URL is set), load from separate processes (wrk; ``b2b simulate``; an
open-loop client), CPU read from the server process itself.

Figures (issue 11): POST /orders beside a trivial FastAPI GET /ping served the same way; p50 at
one connection; server CPU per order placed (its reactions included) and per full lifecycle;
lifecycles/s from ``b2b simulate``; commits per lifecycle; place → confirmed latency over
offered load (a table and a PNG chart); idle CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.harness import Context
from bench.processes import Server, WrkResult, embedded, ping, wrk, wrk_available
from bench.report import Section, fmt_rate, fmt_ratio
from runtime.credentials import DemoLogins
from runtime.demo_data import DemoWorld, build_world
from runtime.simulate_cli import READY
from shared.sql.postgres import asyncpg_dsn

NAME = "pipeline"
CHART = Path(__file__).resolve().parent.parent / "docs" / "benchmarks" / "pipeline-latency.png"
RATES = (10, 20, 50, 100)
RESTOCK = 100_000
"""Minimum orders' worth of every SKU received at every warehouse before the load: the demo
world's opening stock runs out within seconds of wrk, and an order rejected for want of stock
takes a shorter, cheaper path than the one the figures are about."""
LIFECYCLE_ROUNDS = 3
"""`b2b simulate` runs per database; the median by CPU is reported, the range beside it."""
GOALS = {
    "ratio": 0.15,
    "p50_1": 5.0,
    "lifecycle_cpu": 15.0,
    "placed_cpu": 2.0,
    "confirm_p99": 50.0,
    "lifecycles": 30.0,
    "commits": 15.0,
    "idle": 0.5,
}


@dataclass
class Latency:
    rate: int
    sent: int
    confirmed: int
    p50_ms: float | None
    p99_ms: float | None
    post_p50_ms: float | None
    refused: int = 0
    """Orders not taken: an error answer, or the connection dropped under the load."""
    others: dict[str, int] = field(default_factory=dict)
    """Orders taken but not confirmed, by final status and reason (see ``_outcome``)."""


@dataclass
class Figures:
    name: str
    post16: WrkResult
    post16_catch_up: float
    """Seconds after the 16-connection run until every reaction to its orders was done."""
    post16_seconds: float
    post1: WrkResult
    placed_cpu_ms: float
    lifecycle: dict[str, Any]
    lifecycle_cpu_ms: float
    lifecycle_commits: float
    lifecycle_requests: float
    lifecycle_writer_ms: float
    lifecycle_rounds: list[Round]
    idle_percent: float
    curve: list[Latency] = field(default_factory=list)


async def run(ctx: Context) -> list[Section]:
    if wrk_available() is None:
        raise RuntimeError(
            "wrk is not installed: run deploy/local/bench-tools.sh (make bench does)"
        )
    seconds = 3.0 if ctx.quick else 10.0
    ctx.progress.say("pipeline: baseline GET /ping (trivial FastAPI, same server settings)")
    async with ping(ctx) as baseline:
        cpu = baseline.cpu()
        ping_result = await wrk(f"{baseline.url}/ping", connections=16, seconds=seconds)
        ping_cpu_ms = (baseline.cpu() - cpu) / ping_result.requests * 1000
    measured = [await _measure(ctx, "SQLite", None, seconds)]
    if ctx.database_url:
        async with _fresh_database(ctx.database_url) as url:
            measured.append(await _measure(ctx, "PostgreSQL", url, seconds))
    _chart(measured)
    return [_section(figures, ping_result, ping_cpu_ms, ctx) for figures in measured]


@contextlib.asynccontextmanager
async def _fresh_database(url: str) -> AsyncIterator[str]:
    """A database of its own on the server DATABASE_URL names, dropped afterwards."""
    dsn = asyncpg_dsn(url)[0]
    name = f"b2b_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        base = dsn.rsplit("/", 1)[0]
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _measure(ctx: Context, name: str, database_url: str | None, seconds: float) -> Figures:
    ctx.progress.say(f"pipeline ({name}): starting `b2b run` and seeding the demo world")
    async with embedded(ctx, f"pipeline-{name.lower()}", database_url) as server:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
            world = build_world()
            logins = DemoLogins(client, world)
            supplier = next(s for s in world.suppliers if s.auto_confirm)
            buyer = world.buyers[0]
            headers = await logins.headers(f"buyer:{buyer.buyer_id}")
            await _restock(client, await logins.headers("operations:bench"), world)
            bodies = _bodies(world, supplier.supplier_id, buyer.buyer_id)
            script = _wrk_script(ctx.workdir / f"post-{name}.lua", headers, bodies)
            orders_url = f"{server.url}/api/v1/orders"

            ctx.progress.say(f"pipeline ({name}): POST /orders, 16 connections, {seconds:g} s")
            await _drained(client)
            cpu = server.cpu()
            post16 = await wrk(orders_url, connections=16, seconds=seconds, script=script)
            ended = time.monotonic()
            await _drained(client)
            catch_up = time.monotonic() - ended
            placed_cpu_ms = (server.cpu() - cpu) / max(1, post16.requests) * 1000
            ctx.progress.say(f"pipeline ({name}): POST /orders, 1 connection")
            post1 = await wrk(orders_url, connections=1, seconds=seconds / 2, script=script)
            await _drained(client)

            orders = 60 if ctx.quick else 300
            rounds = []
            for number in range(1, (1 if ctx.quick else LIFECYCLE_ROUNDS) + 1):
                ctx.progress.say(
                    f"pipeline ({name}): {orders} happy lifecycles by `b2b simulate` "
                    f"(round {number})"
                )
                rounds.append(await _lifecycles(server, client, orders))
            # The median round by CPU: this sandbox's CPU time drifts by a third between runs.
            chosen = sorted(rounds, key=lambda r: r.cpu_ms)[len(rounds) // 2]
            lifecycle = chosen.summary
            operations = await logins.headers("operations:bench")
            lifecycle["why"] = await _why(client, operations, lifecycle)

            curve = []
            for rate in RATES:
                ctx.progress.say(f"pipeline ({name}): {rate} orders/s offered, open loop")
                curve.append(
                    await _open_loop(
                        client, headers, bodies, rate, seconds / 2 if ctx.quick else 15
                    )
                )
            await _drained(client)
            await asyncio.sleep(2)
            cpu = server.cpu()
            await asyncio.sleep(10)
            # CPU time comes in clock ticks: round off the float noise of their difference, so
            # 5 ticks in 10 s reads (and is judged) as the 0.50 % it is.
            idle = round((server.cpu() - cpu) / 10 * 100, 6)
    return Figures(
        name=name,
        post16=post16,
        post16_catch_up=catch_up,
        post16_seconds=seconds,
        post1=post1,
        placed_cpu_ms=placed_cpu_ms,
        lifecycle=lifecycle,
        lifecycle_cpu_ms=chosen.cpu_ms,
        lifecycle_commits=chosen.commits,
        lifecycle_requests=chosen.requests,
        lifecycle_writer_ms=chosen.writer_ms,
        lifecycle_rounds=rounds,
        idle_percent=idle,
        curve=curve,
    )


@dataclass(frozen=True)
class Round:
    """One `b2b simulate` run: its summary and what the server spent per lifecycle."""

    summary: dict[str, Any]
    cpu_ms: float
    commits: float
    requests: float
    writer_ms: float


async def _lifecycles(server: Server, client: httpx.AsyncClient, orders: int) -> Round:
    started: dict[str, Any] = {}

    async def clock_starts() -> None:  # the simulator's parties have logged in
        started.update(counters=await _counters(client), cpu=server.cpu())

    summary = await _simulate(server, orders, clock_starts)
    before, cpu = started["counters"], started["cpu"]
    await _drained(client)
    cpu_ms = (server.cpu() - cpu) / orders * 1000
    after = await _counters(client)
    return Round(
        summary=summary,
        cpu_ms=cpu_ms,
        commits=(after["commits"] - before["commits"]) / orders,
        requests=(after["requests"] - before["requests"]) / orders,
        writer_ms=(after["writer"] - before["writer"]) / orders * 1000,
    )


async def _restock(client: httpx.AsyncClient, headers: dict[str, str], world: DemoWorld) -> None:
    """Enough of every SKU for every order the bench places (``RESTOCK``)."""
    quantities = {p.sku: p.min_order_qty * RESTOCK for s in world.suppliers for p in s.products}
    gate = asyncio.Semaphore(8)

    async def receive(warehouse_id: uuid.UUID, sku: str) -> None:
        body = {"warehouse_id": str(warehouse_id), "sku": sku, "quantity": quantities[sku]}
        async with gate:
            answer = await client.post(
                "/api/v1/stock/receipts",
                json={**body, "reference": "bench stock"},
                headers={**headers, "Idempotency-Key": f"bench-stock-{warehouse_id}-{sku}"},
            )
        if answer.status_code >= 400:
            raise RuntimeError(f"receiving bench stock of {sku}: {answer.text[:300]}")

    await asyncio.gather(*(receive(warehouse, sku) for warehouse, sku in world.stock))
    await _drained(client)


def _outcome(detail: dict[str, Any]) -> str:
    """An order's end in a few words: its status and, when it has one, the reason's kind."""
    outcome = detail.get("outcome") or {}
    reason = outcome.get("code") or (outcome.get("reason") or "").split(":")[0]
    return f"{detail.get('status')}: {reason}" if reason else str(detail.get("status"))


async def _why(
    client: httpx.AsyncClient, headers: dict[str, str], summary: dict[str, Any]
) -> dict[str, int]:
    """How the lifecycles ``b2b simulate`` lists as unexpected (at most 20 of them) ended."""
    why: Counter[str] = Counter()
    for run in summary.get("unexpected", ()):
        if run.get("error") or not run.get("order_id"):
            why[f"error: {(run.get('error') or 'no order')[:80]}"] += 1
            continue
        answer = await client.get(f"/api/v1/orders/{run['order_id']}", headers=headers)
        why[_outcome(answer.json()) if answer.status_code == 200 else "not found"] += 1
    return dict(why)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{why} {n}" for why, n in sorted(counts.items(), key=lambda i: -i[1]))


def _bodies(world: DemoWorld, supplier_id: uuid.UUID, buyer_id: uuid.UUID) -> list[str]:
    supplier = next(s for s in world.suppliers if s.supplier_id == supplier_id)
    return [
        json.dumps(
            {
                "buyer_id": str(buyer_id),
                "supplier_id": str(supplier_id),
                "lines": [{"sku": product.sku, "quantity": product.min_order_qty}],
            }
        )
        for product in supplier.products
    ]


def _wrk_script(path: Path, headers: dict[str, str], bodies: Sequence[str]) -> Path:
    """A new order per request (no Idempotency-Key), each for a product picked at random."""
    lua_bodies = ",\n".join(json.dumps(body) for body in bodies)
    sent = "\n".join(f'wrk.headers["{k}"] = {json.dumps(v)}' for k, v in headers.items())
    path.write_text(
        f"""wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{sent}
local bodies = {{
{lua_bodies}
}}
request = function()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end
"""
    )
    return path


_METRIC = re.compile(r"^(b2b_[a-z_]+)\{(.*)\} ([0-9.e+-]+)$", re.MULTILINE)


async def _metrics(client: httpx.AsyncClient) -> list[tuple[str, str, float]]:
    text = (await client.get("/metrics")).text
    return [(m.group(1), m.group(2), float(m.group(3))) for m in _METRIC.finditer(text)]


async def _counters(client: httpx.AsyncClient) -> dict[str, float]:
    found = await _metrics(client)
    return {
        "commits": sum(v for name, _, v in found if name == "b2b_write_transactions"),
        "writer": sum(v for name, _, v in found if name == "b2b_writer_cpu_seconds"),
        "requests": sum(
            v
            for name, labels, v in found
            if name == "b2b_http_request_seconds_count" and "/metrics" not in labels
        ),
    }


async def _drained(client: httpx.AsyncClient, timeout: float = 300) -> None:
    """Until every policy and projection has handled every event stored so far."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lags = ("b2b_consumer_lag", "b2b_projection_lag", "b2b_mail_feed_lag", "b2b_mail_due")
        lag = sum(v for name, _, v in await _metrics(client) if name in lags)
        if lag == 0:
            return
        await asyncio.sleep(0.25)
    raise RuntimeError("the system did not catch up with its own events")


async def _simulate(
    server: Server, orders: int, clock_starts: Callable[[], Awaitable[None]]
) -> dict[str, Any]:
    """``b2b simulate`` against the server; ``clock_starts`` runs when its parties have logged
    in (their password checks are a session's cost, not the orders')."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "runtime.cli",
        "simulate",
        "--orders",
        str(orders),
        "--concurrency",
        "10",
        "--url",
        server.url,
        "--scenario",
        "happy",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    stdout = asyncio.ensure_future(child.stdout.read())
    said: list[str] = []
    async for raw in child.stderr:
        said.append(raw.decode(errors="replace"))
        if said[-1].startswith(READY):
            await clock_starts()
            break
    rest = await child.stderr.read()
    out = await stdout
    await child.wait()
    if child.returncode not in (0, 1) or not any(line.startswith(READY) for line in said):
        raise RuntimeError(f"b2b simulate failed: {''.join(said)[-2000:]}{rest.decode()[-2000:]}")
    summary: dict[str, Any] = json.loads(out)
    return summary


async def _open_loop(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    bodies: Sequence[str],
    rate: int,
    seconds: float,
) -> Latency:
    """Orders sent on a fixed schedule (not waiting for answers); place → confirmed is taken
    from the OrderConfirmed event's time in each order's timeline, read afterwards."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    sent: list[tuple[str, float, float]] = []
    refused = 0

    async def one(index: int) -> None:
        nonlocal refused
        await asyncio.sleep(max(0.0, start + index / rate - loop.time()))
        body = bodies[index % len(bodies)]
        at = time.time()
        try:
            answer = await client.post(
                "/api/v1/orders",
                content=body,
                headers={**headers, "Content-Type": "application/json"},
            )
        except httpx.TransportError:
            refused += 1  # a client gives up on this order; the run goes on
            return
        if answer.status_code == 201:
            sent.append((answer.json()["id"], at, time.time() - at))
        else:
            refused += 1

    await asyncio.gather(*(one(i) for i in range(int(rate * seconds))))
    await _drained(client)
    confirmed: list[float] = []
    others: Counter[str] = Counter()
    for order_id, at, _ in sent:
        detail = (await client.get(f"/api/v1/orders/{order_id}", headers=headers)).json()
        when = [e["at"] for e in detail.get("timeline", ()) if e["event"] == "OrderConfirmed"]
        if when:
            confirmed.append((datetime.fromisoformat(when[0]).timestamp() - at) * 1000)
        else:
            others[_outcome(detail)] += 1
    posts = sorted(took * 1000 for _, _, took in sent)
    confirmed.sort()
    return Latency(
        rate=rate,
        sent=int(rate * seconds),
        confirmed=len(confirmed),
        p50_ms=_at(confirmed, 0.5),
        p99_ms=_at(confirmed, 0.99),
        post_p50_ms=_at(posts, 0.5),
        refused=refused,
        others=dict(others),
    )


def _at(values: Sequence[float], q: float) -> float | None:
    return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None


def _chart(measured: Sequence[Figures]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:  # a dev dependency; the table carries the same figures
        return
    figure, axes = pyplot.subplots(figsize=(7, 4))
    for figures in measured:
        points = [(p.rate, p.p50_ms, p.p99_ms) for p in figures.curve if p.p99_ms and p.p50_ms]
        rates = [rate for rate, _, _ in points]
        axes.plot(rates, [p99 for _, _, p99 in points], "o-", label=f"{figures.name} p99")
        axes.plot(rates, [p50 for _, p50, _ in points], "o--", label=f"{figures.name} p50")
    axes.axhline(GOALS["confirm_p99"], color="grey", linewidth=0.8, linestyle=":", label="p99 goal")
    axes.set_xlabel("offered load (orders/s)")
    axes.set_ylabel("place → confirmed (ms)")
    axes.set_yscale("log")
    axes.set_title("Place → confirmed latency over offered load (auto-confirming supplier)")
    axes.legend()
    figure.tight_layout()
    CHART.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(CHART, dpi=110)
    pyplot.close(figure)


def _spread(values: Sequence[float], spec: str) -> str:
    """`` (38.1 to 53.0 over 3 runs)`` beside a median; nothing for a single run."""
    if len(values) < 2:
        return ""
    return f" ({min(values):{spec}} to {max(values):{spec}} over {len(values)} runs)"


def _goal(value: float, goal: float, *, at_least: bool = False) -> str:
    met = value >= goal if at_least else value <= goal
    return f"{'≥' if at_least else '≤'} {goal:g} {'✓' if met else '✗'}"


def _section(figures: Figures, ping: WrkResult, ping_cpu_ms: float, ctx: Context) -> Section:
    ratio = figures.post16.rate / ping.rate
    lifecycle = figures.lifecycle
    rounds = figures.lifecycle_rounds
    http_floor = ping_cpu_ms * figures.lifecycle_requests
    rows = [
        [
            "POST /api/v1/orders, 16 connections (req/s)",
            fmt_rate(figures.post16.rate),
            f"{fmt_rate(ping.rate)} (GET /ping)",
            fmt_ratio(ratio),
            _goal(ratio, GOALS["ratio"], at_least=True),
        ],
        [
            "… orders placed and reacted to per second (reactions done "
            f"{figures.post16_catch_up:.1f} s after the {figures.post16_seconds:g} s run)",
            fmt_rate(figures.post16.requests / (figures.post16_seconds + figures.post16_catch_up)),
            "",
            "",
            "",
        ],
        [
            "POST /api/v1/orders p50 / p99, 16 connections",
            f"{figures.post16.p50_ms:.1f} / {figures.post16.p99_ms:.1f} ms",
            f"{ping.p50_ms:.1f} / {ping.p99_ms:.1f} ms",
            "",
            "",
        ],
        [
            "POST /api/v1/orders p50, 1 connection",
            f"{figures.post1.p50_ms:.2f} ms",
            "",
            "",
            _goal(figures.post1.p50_ms, GOALS["p50_1"]),
        ],
        [
            "server CPU per order placed, its reactions included",
            f"{figures.placed_cpu_ms:.2f} ms",
            f"{ping_cpu_ms:.2f} ms (per GET /ping)",
            fmt_ratio(figures.placed_cpu_ms / ping_cpu_ms),
            _goal(figures.placed_cpu_ms, GOALS["placed_cpu"]),
        ],
        [
            "server CPU per full happy lifecycle",
            f"{figures.lifecycle_cpu_ms:.1f} ms{_spread([r.cpu_ms for r in rounds], '.1f')}",
            f"{http_floor:.1f} ms ({figures.lifecycle_requests:.1f} requests \u00d7 GET /ping)",
            fmt_ratio(figures.lifecycle_cpu_ms / http_floor) if http_floor else "",
            _goal(figures.lifecycle_cpu_ms, GOALS["lifecycle_cpu"]),
        ],
        [
            "… of which in the writers (commands, reactions, projections)",
            f"{figures.lifecycle_writer_ms:.1f} ms"
            if figures.name == "SQLite"
            # The process's CPU while a writer's transaction is open: on PostgreSQL the writer
            # awaits the server and other work runs meanwhile, so it would count that too.
            else "not measured (the writer awaits the server while other work runs)",
            "",
            "",
            "",
        ],
        [
            "full lifecycles / s (`b2b simulate`, 10 in flight)",
            fmt_rate(lifecycle["orders_per_second"])
            + _spread([r.summary["orders_per_second"] for r in rounds], ".1f"),
            "",
            "",
            _goal(lifecycle["orders_per_second"], GOALS["lifecycles"], at_least=True),
        ],
        [
            "commits per lifecycle",
            f"{figures.lifecycle_commits:.1f}",
            f"{figures.lifecycle_requests:.1f} HTTP requests",
            "",
            _goal(figures.lifecycle_commits, GOALS["commits"]),
        ],
        [
            "idle CPU (10 s, nothing to do)",
            f"{figures.idle_percent:.2f} % of a core",
            "",
            "",
            _goal(figures.idle_percent, GOALS["idle"]),
        ],
    ]
    curve = [
        "| offered orders/s | sent | not taken | confirmed | not confirmed (how they ended) "
        "| place → confirmed p50 | p99 | POST p50 |",
        "|---:|---:|---:|---:|---|---:|---:|---:|",
        *(
            f"| {p.rate} | {p.sent} | {p.refused} | {p.confirmed} | {_counts(p.others) or '0'} "
            f"| {p.p50_ms} ms | {p.p99_ms} ms | {p.post_p50_ms} ms |"
            for p in figures.curve
        ),
        "",
        f"![place → confirmed over offered load](benchmarks/{CHART.name})",
    ]
    unexpected = lifecycle["orders"] - lifecycle["as_expected"]
    twenty = next((p for p in figures.curve if p.rate == 20), None)
    confirm = (
        f" At 20 orders/s offered, place → confirmed p99 is {twenty.p99_ms} ms "
        f"(goal ≤ {GOALS['confirm_p99']:g} ms)."
        if twenty and twenty.p99_ms is not None
        else ""
    )
    return Section(
        title=f"Order pipeline end to end ({figures.name})",
        method=(
            f"`b2b run` in its own process ({figures.name}: five services, one writer per "
            "database), seeded with the demo world. Load from other processes: `wrk -t1` "
            "(POST /orders as a demo buyer, a new order per request for a random product of the "
            "auto-confirming supplier, so each one is priced, reserved, confirmed and planned "
            f"for shipment; before any load every SKU is stocked for {RESTOCK:,} minimum "
            "orders at each of its warehouses, so no order fails for want of stock); "
            "`b2b simulate --scenario happy` (10 lifecycles in flight: place, "
            "ship, track, deliver, accept, pay, each party over HTTP, waiting with long polls; "
            "its figures are taken from the moment its parties have logged in, as a log-in "
            f"belongs to a session, not to an order; {LIFECYCLE_ROUNDS} runs, the one of median "
            "CPU shown with the range of all beside it); "
            "an open-loop client sending orders on a fixed schedule. Server CPU is read from "
            "`/proc/<pid>/stat` of the server process, from the start of a load until every "
            "reaction has been handled and every e-mail it queued was written to the mail "
            "directory (the `/metrics` lags and mail backlog back to 0). The baseline is a trivial "
            "FastAPI app (`bench/ping_app.py`) served with the same uvicorn settings."
        ),
        headers=["figure", "ours", "baseline", "ratio", "goal"],
        rows=rows,
        notes=(
            f"{lifecycle['as_expected']} of {lifecycle['orders']} lifecycles ended as expected"
            + (
                f"; {unexpected} did not (final states {_counts(lifecycle['final_states'])}; "
                f"of those listed: {_counts(lifecycle.get('why', {}))})"
                if unexpected
                else ""
            )
            + f"; lifecycle place → confirmed p50 {lifecycle['place_to_confirmed_ms']['p50']} ms."
            + confirm
            + " The load generators share the 2 cores with the system under test."
        ),
        extra=("\n".join(curve),),
    )
