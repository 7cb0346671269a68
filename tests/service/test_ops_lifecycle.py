"""Operations after real lifecycles: history across services, replay, status, metrics, as-of,
and the analytics SQL of docs/analytics.md (seeded and simulated once for the module)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from runtime.app import app_for
from runtime.credentials import MintedTokens
from runtime.demo import seed
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.ops.deployment import Deployment
from runtime.ops.history import order_history
from runtime.ops.replay import replay, replay_all
from runtime.ops.status import projection_status
from runtime.services import ALL_SERVICES
from runtime.simulate import simulate
from services.order.views.analytics import OrderFacts
from shared.messaging.dead_letters import DeadLetters
from shared.service.as_of import state_json
from shared.service.shapes import money
from tests.helpers import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")
ROOT = Path(__file__).resolve().parents[2]
DOC_SQL = re.compile(r"```sql\n(.*?)```", re.S)


@dataclass
class World:
    system: EmbeddedSystem
    client: httpx.AsyncClient
    credentials: MintedTokens
    data_dir: Path
    completed: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    data_dir = tmp_path_factory.mktemp("ops") / "data"
    system = EmbeddedSystem(data_dir, ALL_SERVICES)
    await system.start()
    app = app_for(system)
    credentials = MintedTokens(app.state.security.tokens)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=120
        ) as client:
            await seed(client, credentials)
            summary = await simulate(
                client, build_world(), 6, 3, credentials=credentials, seed=7, timeout=120
            )
            orders = await client.get(
                "/api/v1/orders", params={"status": "completed"},
                headers=await credentials.headers("operations:ops"),
            )  # fmt: skip
            completed = [o["order_id"] for o in orders.json()]
            assert completed, f"no order completed: {summary.as_dict()}"
            yield World(system, client, credentials, data_dir, completed[0])
    finally:
        await system.stop()
        await app.state.security.close()


async def run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """A command line, run off the event loop (the system under test keeps working)."""
    options = {"capture_output": True, "text": True, "timeout": 120, **options}
    return await asyncio.to_thread(subprocess.run, command, **options)


def deployment_of(world: World) -> Deployment:
    """The running system's own stores and parts, as an operator's deployment."""
    return world.system.deployment()


async def settled(world: World) -> None:
    async def lag() -> int:
        return sum(s.lag for s in await projection_status(deployment_of(world)))

    await eventually(lag, lambda value: value == 0, timeout=60, what="projections caught up")


async def test_history_tells_a_completed_orders_story_from_every_service(world: World) -> None:
    entries = await order_history(world.system.stores, world.completed)
    services = {e.service for e in entries}
    assert len(services) >= 4, services
    events = [e.event for e in entries]
    assert events[0] == "OrderPlaced"
    assert "OrderCompleted" in events
    assert {"OrderPriced", "StockReserved", "Shipped", "InvoiceIssued"} <= set(events)
    assert [e.at for e in entries] == sorted(e.at for e in entries)


async def test_history_as_of_an_instant_shows_only_what_was_recorded_by_then(
    world: World,
) -> None:
    entries = await order_history(world.system.stores, world.completed)
    middle = entries[len(entries) // 2]
    cut = datetime.fromisoformat(middle.recorded_at)
    earlier = await order_history(world.system.stores, world.completed, as_of=cut)
    assert earlier == [e for e in entries if datetime.fromisoformat(e.recorded_at) <= cut]
    assert middle in earlier
    assert len(earlier) < len(entries)


async def test_history_cli_prints_the_same_story_as_json(world: World) -> None:
    command = [sys.executable, "-m", "runtime.cli", "history", world.completed, "--json"]
    done = await run(
        [*command, "--data-dir", str(world.data_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    expected = await order_history(world.system.stores, world.completed)
    assert [e["position"] for e in printed["entries"]] == [e.position for e in expected]


async def test_replay_swaps_identical_rows_while_the_system_runs(world: World) -> None:
    await settled(world)
    for name in ("order_facts", "order_details", "order_summaries", "stock_levels"):
        report = await replay(deployment_of(world), name)
        assert (report.verified, report.swapped, report.skipped) == (True, True, []), name
    facts = await replay(deployment_of(world), "order_facts")
    assert facts.rows["order_facts"] >= 6
    status = {s.name: s for s in await projection_status(deployment_of(world))}
    assert status["order_facts"].built_versions == [OrderFacts.version]


async def test_replay_all_swaps_every_projection_with_identical_rows(world: World) -> None:
    await settled(world)
    reports = await replay_all(deployment_of(world))
    every = {projection.name for _, projection in deployment_of(world).projections()}
    assert {r.projection for r in reports} == every
    failed = [(r.projection, r.verified, r.swapped, r.skipped) for r in reports
              if not (r.verified and r.swapped) or r.skipped]  # fmt: skip
    assert failed == []
    assert next(r for r in reports if r.projection == "order_facts").rows["order_facts"] >= 6


async def test_projection_status_shows_versions_positions_and_lag(world: World) -> None:
    await settled(world)
    found = await projection_status(deployment_of(world))
    names = {(s.service, s.name) for s in found}
    assert ("order", "order_facts") in names
    assert ("payment", "payment.invoices") in names
    facts = next(s for s in found if s.name == "order_facts")
    assert set(facts.positions) == {"order", "pricing", "inventory", "logistics", "payment"}
    assert facts.lag == 0
    assert facts.version == OrderFacts.version


async def test_operators_see_lag_and_retry_a_dead_letter_over_http(world: World) -> None:
    await settled(world)
    ops = await world.credentials.headers("operations:ops")
    lag = (await world.client.get("/api/v1/ops/projections", headers=ops)).json()
    facts = next(p for p in lag if p["name"] == "order_facts")
    assert (facts["service"], facts["lag"], facts["dead_letters"]) == ("order", 0, 0)
    # A projection failed on a real event (say the disk was full): it was dead-lettered.
    [record] = await world.system.stores["order"].read_all(0, 1)
    summaries = next(
        p for _, p in deployment_of(world).projections() if p.name == "order_summaries"
    )
    engine = world.system.services["order"].context.engine
    await DeadLetters(engine).add(summaries.consumer_name, "order", record, "OSError: disk full", 5)
    listed = (await world.client.get("/api/v1/ops/dead-letters", headers=ops)).json()
    [letter] = [d for d in listed if d["error"] == "OSError: disk full"]
    shown = await world.client.get(f"/api/v1/ops/dead-letters/{letter['id']}", headers=ops)
    assert shown.json()["event_type"] == record.event_type
    retry = f"/api/v1/ops/dead-letters/{letter['id']}/retry"
    assert (await world.client.post(retry, headers=ops)).status_code == 200
    assert (await world.client.post(retry, headers=ops)).status_code == 404
    after = (await world.client.get("/api/v1/ops/dead-letters", headers=ops)).json()
    assert letter["id"] not in {d["id"] for d in after}
    buyer = await world.credentials.headers(f"buyer:{uuid.uuid4()}")
    assert (await world.client.get("/api/v1/ops/dead-letters", headers=buyer)).status_code == 403


async def test_metrics_expose_commands_appends_lag_and_dead_letters(world: World) -> None:
    text = (await world.client.get("/metrics")).text
    assert re.search(r'b2b_commands_total\{route="/api/v1/orders",status="20\d"\} [1-9]', text)
    assert re.search(r'b2b_events_stored\{service="order"\} [1-9]', text)
    assert 'b2b_consumer_lag{consumer="policy:' in text
    assert 'b2b_projection_lag{projection="order_facts",service="order",source="payment"}' in text
    assert 'b2b_dead_letters{service="payment"} 0.0' in text


async def test_order_as_of_is_the_fold_of_the_events_recorded_by_then(world: World) -> None:
    headers = await world.credentials.headers("operations:ops")
    stream = await world.system.stores["order"].read_stream(f"order-{world.completed}")
    decider = __import__("services.order.domain.decide", fromlist=["x"]).order_decider
    for k in (0, len(stream) // 2, len(stream) - 1):
        at = stream[k].recorded_at
        answer = await world.client.get(
            f"/api/v1/orders/{world.completed}", params={"as_of": at.isoformat()}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        prefix = [r for r in stream if r.recorded_at <= at]
        from shared.service.codec import to_envelope

        expected = decider.fold(to_envelope(r).event for r in prefix)
        state = json.loads(json.dumps(state_json(expected)))
        # Its amounts as Money objects: the order discount in the order's currency once priced.
        currency = expected.total.currency if expected.total else None
        state["discount"] = money(expected.discount, currency)
        assert answer.json()["state"] == state
        assert answer.json()["version"] == len(prefix)
    before = stream[0].recorded_at - timedelta(seconds=1)
    missing = await world.client.get(
        f"/api/v1/orders/{world.completed}", params={"as_of": before.isoformat()}, headers=headers
    )
    assert missing.status_code == 404


async def test_stock_and_invoice_as_of_show_the_past(world: World) -> None:
    headers = await world.credentials.headers("operations:ops")
    invoices = await world.client.get(
        "/api/v1/invoices", params={"order_id": world.completed}, headers=headers
    )
    invoice_id = invoices.json()[0]["invoice_id"]
    stream = await world.system.stores["payment"].read_stream(f"invoice-{invoice_id}")
    first = await world.client.get(
        f"/api/v1/invoices/{invoice_id}",
        params={"as_of": stream[0].recorded_at.isoformat()}, headers=headers,
    )  # fmt: skip
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 1
    assert first.json()["state"]["settlement"] is None
    now = await world.client.get(
        f"/api/v1/invoices/{invoice_id}",
        params={"as_of": datetime.now().isoformat()}, headers=headers,
    )  # fmt: skip
    assert now.json()["version"] == len(stream)
    sku = json.loads(json.dumps(stream[0].data))["lines"][0]["sku"]
    stock = await world.client.get(f"/api/v1/stock/{sku}", headers=headers)
    past = await world.client.get(
        f"/api/v1/stock/{sku}", params={"as_of": datetime.now().isoformat()}, headers=headers
    )
    assert past.status_code == 200, past.text
    live = {w["warehouse_id"]: w["on_hand"] for w in stock.json()["warehouses"]}
    folded = {w: b["on_hand"] for w, b in past.json()["state"]["balances"].items()}
    assert folded == live


def doc_queries() -> list[str]:
    return DOC_SQL.findall((ROOT / "docs" / "analytics.md").read_text(encoding="utf-8"))


async def test_the_analytics_sql_in_the_docs_runs_with_sqlite3(world: World) -> None:
    await settled(world)
    queries = doc_queries()
    assert len(queries) >= 8
    database = world.data_dir / "order.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        results = [conn.execute(query).fetchall() for query in queries]
    outcomes = dict(results[0])
    assert outcomes.get("completed", 0) >= 1
    assert all(results[i] for i in (1, 2, 7)), "revenue, lead times and daily trend have rows"
    if shutil.which("sqlite3"):
        for query in queries:
            done = await run(["sqlite3", "-readonly", str(database)], input=query)
            assert (done.returncode, done.stderr) == (0, ""), query


@pytest.mark.postgres
async def test_the_analytics_sql_in_the_docs_runs_with_psql(world: World) -> None:
    url = os.environ.get("DATABASE_URL")
    if not url or not shutil.which("psql"):
        pytest.skip("needs DATABASE_URL and psql (make test starts a private PostgreSQL)")
    await settled(world)
    from sqlalchemy import select
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.order.views.analytics import OrderFacts

    schema = f"analytics_{os.getpid()}"
    facts = OrderFacts()
    pg = create_async_engine(
        make_url(url).set(drivername="postgresql+asyncpg"),
        connect_args={"server_settings": {"search_path": schema}},
    )
    try:
        async with pg.begin() as conn:
            from sqlalchemy import text

            await conn.execute(text(f"CREATE SCHEMA {schema}"))
            await conn.run_sync(facts.metadata.create_all)
            async with world.system.services["order"].context.engine.connect() as source:
                for table in facts.tables:
                    rows = (await source.execute(select(table))).mappings().all()
                    if rows:
                        await conn.execute(table.insert(), [dict(r) for r in rows])
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        for query in doc_queries():
            done = await run(
                ["psql", libpq, "-v", "ON_ERROR_STOP=1", "-X", "-q",
                 "-c", f"SET search_path TO {schema}", "-c", query],
            )  # fmt: skip
            assert done.returncode == 0, (query, done.stderr)
    finally:
        async with pg.begin() as conn:
            from sqlalchemy import text

            await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        await pg.dispose()
