"""Exports: orders, order lines, invoices and stock movements for a period, as CSV and XLSX,
opened back and compared with the API; a buyer gets only its own."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import openpyxl
import pytest
import pytest_asyncio

from runtime.demo import seed
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.simulate import simulate
from tests.actor_client import actor_client
from tests.service.test_lifecycle import HeaderActors

pytestmark = pytest.mark.asyncio(loop_scope="module")
OPS = {"X-Actor": "operations:test"}
TODAY = datetime.now(UTC).date()
PERIOD = {"from": (TODAY - timedelta(days=1)).isoformat(), "to": TODAY.isoformat()}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    system = EmbeddedSystem(tmp_path_factory.mktemp("exports"), ALL_SERVICES)
    await system.start()
    world = build_world(scale=0.1)
    try:
        async with actor_client(system) as http:
            await seed(http, HeaderActors(), world)
            await simulate(
                http, world, 4, 2, credentials=HeaderActors(), scenarios=["happy"], timeout=60
            )
            assert await system.caught_up()
            yield http
    finally:
        await system.stop()


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def read_xlsx(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert "spreadsheetml" in response.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def listed_orders(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/orders", params={"limit": 500}, headers=OPS)
    return list(response.json())


async def test_orders_export_as_csv_matches_the_order_list(client: httpx.AsyncClient) -> None:
    orders = await listed_orders(client)
    assert orders
    exported = read_csv(await client.get("/api/v1/exports/orders", params=PERIOD, headers=OPS))
    assert {r["order_id"] for r in exported} == {o["order_id"] for o in orders}
    first = next(r for r in exported if r["order_id"] == orders[0]["order_id"])
    assert first["buyer_id"] == orders[0]["buyer_id"]
    assert first["status"] == orders[0]["status"]
    assert first["total"] == orders[0]["total"]["amount"]
    assert int(first["units"]) == sum(line["quantity"] for line in orders[0]["lines"])


async def test_order_lines_export_as_xlsx_has_every_line(client: httpx.AsyncClient) -> None:
    orders = await listed_orders(client)
    params = {**PERIOD, "format": "xlsx"}
    response = await client.get("/api/v1/exports/order-lines", params=params, headers=OPS)
    assert 'filename="order-lines_' in response.headers["content-disposition"]
    exported = read_xlsx(response)
    assert len(exported) == sum(len(o["lines"]) for o in orders)
    line = exported[0]
    assert float(line["line_total"]) == pytest.approx(float(line["unit_price"]) * line["quantity"])


async def test_a_buyer_exports_only_its_own_orders_and_invoices(client: httpx.AsyncClient) -> None:
    orders = await listed_orders(client)
    buyer = orders[0]["buyer_id"]
    as_buyer = {"X-Actor": f"buyer:{buyer}"}
    mine = read_csv(await client.get("/api/v1/exports/orders", params=PERIOD, headers=as_buyer))
    assert mine
    assert {r["buyer_id"] for r in mine} == {buyer}
    assert len(mine) == sum(1 for o in orders if o["buyer_id"] == buyer)
    invoices = read_csv(
        await client.get("/api/v1/exports/invoices", params=PERIOD, headers=as_buyer)
    )
    assert {r["buyer_id"] for r in invoices} <= {buyer}
    other = next((o["buyer_id"] for o in orders if o["buyer_id"] != buyer), "0" * 8)
    refused = await client.get(
        "/api/v1/exports/orders", params={**PERIOD, "buyer_id": other}, headers=as_buyer
    )
    assert refused.status_code in (403, 422)


async def test_invoices_export_matches_the_invoice_list(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/api/v1/invoices", headers=OPS)).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    exported = read_csv(await client.get("/api/v1/exports/invoices", params=PERIOD, headers=OPS))
    assert {r["invoice_id"] for r in exported} == {i["invoice_id"] for i in items}
    assert exported
    assert all(r["total"] for r in exported)
    xlsx = read_xlsx(
        await client.get(
            "/api/v1/exports/invoices", params={**PERIOD, "format": "xlsx"}, headers=OPS
        )
    )
    assert len(xlsx) == len(exported)


async def test_stock_export_lists_movements_of_ones_own_warehouses(
    client: httpx.AsyncClient,
) -> None:
    everything = read_csv(await client.get("/api/v1/exports/stock", params=PERIOD, headers=OPS))
    movements = {r["movement"] for r in everything}
    assert {"received", "reserved", "committed"} <= movements
    supplier = everything[0]["supplier_id"]
    own = read_csv(
        await client.get(
            "/api/v1/exports/stock", params=PERIOD, headers={"X-Actor": f"supplier:{supplier}"}
        )
    )
    assert own
    assert {r["supplier_id"] for r in own} == {supplier}
    assert len(own) < len(everything) or len({r["supplier_id"] for r in everything}) == 1


async def test_an_empty_or_backwards_period(client: httpx.AsyncClient) -> None:
    old = {"from": "2001-01-01", "to": "2001-01-31"}
    assert read_csv(await client.get("/api/v1/exports/orders", params=old, headers=OPS)) == []
    backwards = {"from": "2001-02-01", "to": "2001-01-01"}
    response = await client.get("/api/v1/exports/orders", params=backwards, headers=OPS)
    assert response.status_code == 422
    assert response.json()["field"] == "from"
