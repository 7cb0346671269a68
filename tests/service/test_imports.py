"""Bulk imports through the API: CSV and XLSX, the error report, all-or-nothing, idempotency."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from typing import Any

import httpx
import openpyxl

from runtime.embedded import EmbeddedSystem

OPS = {"X-Actor": "operations:ops"}
HEADER = ["sku", "name", "category", "unit", "pack_size", "min_order_qty", "list_price", "currency"]


def supplier(party: str) -> dict[str, str]:
    return {"X-Actor": f"supplier:{party}"}


def as_csv(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


def as_xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def product_rows(count: int, prefix: str = "IMP") -> list[list[Any]]:
    return [HEADER] + [
        [f"{prefix}-{i:05d}", f"Widget {i}", "tools", "pcs", 1, 1, f"{i % 90 + 10}.50", "EUR"]
        for i in range(count)
    ]


async def upload(
    client: httpx.AsyncClient,
    kind: str,
    content: bytes,
    headers: dict[str, str],
    name: str = "sheet.csv",
    **params: str,
) -> httpx.Response:
    files = {"file": (name, content, "application/octet-stream")}
    return await client.post(f"/api/v1/imports/{kind}", files=files, headers=headers, params=params)


async def catalog_skus(client: httpx.AsyncClient, supplier_id: str, prefix: str) -> set[str]:
    response = await client.get(
        "/api/v1/products", params={"supplier_id": supplier_id, "limit": 500}, headers=OPS
    )
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return {p["sku"] for p in items if p["sku"].startswith(prefix)}


async def test_a_product_sheet_is_imported_and_the_same_file_again_changes_nothing(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    party = str(uuid.uuid4())
    content = as_csv(product_rows(120))
    first = await upload(client, "products", content, supplier(party))
    assert first.status_code == 201, first.text
    job = first.json()
    assert (job["status"], job["rows_total"], job["rows_applied"]) == ("done", 120, 120)
    assert first.headers["Location"] == f"/api/v1/imports/products/{job['job_id']}"
    head = await system.stores["pricing"].head_position()

    again = await upload(client, "products", content, supplier(party))
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["job_id"] == job["job_id"]
    assert await system.stores["pricing"].head_position() == head, "nothing appended again"
    assert await system.caught_up()
    assert len(await catalog_skus(client, party, "IMP-")) == 120


async def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_applied(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    party = str(uuid.uuid4())
    rows = product_rows(30, "BAD")
    rows[5][6] = "-3"  # row 6 of the sheet: a negative list price
    rows[12][4] = "zero"  # row 13: pack size not a number
    rows[20][0] = rows[2][0]  # row 21: a SKU twice
    head = await system.stores["pricing"].head_position()
    response = await upload(client, "products", as_csv(rows), supplier(party))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Import rejected"
    found = {(e["row"], e["column"]) for e in problem["errors"]}
    assert found == {(6, "list_price"), (13, "pack_size"), (21, "sku")}
    assert all(e["reason"] for e in problem["errors"])
    assert await system.stores["pricing"].head_position() == head, "nothing applied"

    job = await client.get(response.headers["Location"], headers=supplier(party))
    assert job.status_code == 200
    assert (job.json()["status"], job.json()["rows_rejected"]) == ("rejected", 3)

    skip = await upload(client, "products", as_csv(rows), supplier(party), on_error="skip")
    assert skip.status_code == 201, skip.text
    assert skip.json()["rows_applied"] == 27
    assert skip.json()["errors_total"] == 3
    assert await system.caught_up()
    assert len(await catalog_skus(client, party, "BAD-")) == 27


async def test_an_xlsx_sheet_imports_like_csv(client: httpx.AsyncClient) -> None:
    party = str(uuid.uuid4())
    rows = product_rows(15, "XL")
    for row in rows[1:]:
        row[4], row[5], row[6] = 6, 12, 19.5  # numbers as numbers, not text
    response = await upload(client, "products", as_xlsx(rows), supplier(party), name="p.xlsx")
    assert response.status_code == 201, response.text
    assert response.json()["file_format"] == "xlsx"
    product = await client.get(
        "/api/v1/products/XL-00003", params={"supplier_id": party}, headers=supplier(party)
    )
    assert product.status_code == 200, product.text
    assert product.json()["list_price"] == {"amount": "19.5", "currency": "EUR"}
    assert product.json()["pack_size"] == 6


async def test_a_supplier_imports_only_its_own_catalog(client: httpx.AsyncClient) -> None:
    party, other = str(uuid.uuid4()), str(uuid.uuid4())
    rows = [["supplier_id", *HEADER], [other, "X-1", "X", "tools", "pcs", 1, 1, "1.00", "EUR"]]
    response = await upload(client, "products", as_csv(rows), supplier(party))
    assert response.status_code == 422
    assert response.json()["errors"][0]["column"] == "supplier_id"
    unknown = await upload(client, "products", as_csv([["sku", "colour"], ["A", "red"]]), OPS)
    assert unknown.status_code == 422
    assert {e["column"] for e in unknown.json()["errors"]} >= {"colour", "name", "list_price"}


async def test_a_large_file_shows_its_progress(client: httpx.AsyncClient) -> None:
    party = str(uuid.uuid4())
    response = await upload(
        client,
        "products",
        as_csv(product_rows(3000, "BIG")),
        {**supplier(party), "Prefer": "respond-async"},
    )
    assert response.status_code == 202, response.text
    location = response.headers["Location"]
    seen = set()
    for _ in range(600):
        job = (await client.get(location, headers=supplier(party))).json()
        seen.add(job["status"])
        if job["status"] == "done":
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "done", job
    assert job["rows_applied"] == 3000
    assert seen & {"validating", "applying"}, "progress was visible before the end"
    other = await client.get(location, headers=supplier(str(uuid.uuid4())))
    assert other.status_code == 404


async def register_warehouse(client: httpx.AsyncClient, party: str) -> str:
    warehouse_id = str(uuid.uuid4())
    body = {
        "warehouse_id": warehouse_id,
        "supplier_id": party,
        "name": "Import DC",
        "regions_served": ["north"],
        "speed_rank": 1,
        "lead_time_days": 1,
    }
    response = await client.post("/api/v1/warehouses", json=body, headers=supplier(party))
    assert response.status_code == 200, response.text
    return warehouse_id


async def test_counted_stock_becomes_receipts_and_corrections(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    party = str(uuid.uuid4())
    warehouse = await register_warehouse(client, party)
    header = ["warehouse_id", "sku", "on_hand", "threshold", "reorder_quantity"]
    first = [header, [warehouse, "ST-1", 40, "", ""], [warehouse, "ST-2", 5, 10, 50]]
    response = await upload(client, "stock", as_csv(first), supplier(party))
    assert response.status_code == 201, response.text
    counted = [header, [warehouse, "ST-1", 25, "", ""], [warehouse, "ST-2", 5, "", ""]]
    response = await upload(client, "stock", as_csv(counted), supplier(party))
    assert response.status_code == 201, response.text
    assert await system.caught_up()
    levels = await client.get("/api/v1/stock", params={"warehouse_id": warehouse}, headers=OPS)
    found = {i["sku"]: i for i in levels.json()["items"]}
    assert found["ST-1"]["on_hand"] == 25
    assert (found["ST-2"]["on_hand"], found["ST-2"]["threshold"], found["ST-2"]["low"]) == (
        5,
        10,
        True,
    )
    events = [r.event_type for r in await system.stores["inventory"].read_stream("stock-ST-1")]
    assert events == ["StockReceived", "StockAdjusted"]


async def test_stock_of_unknown_or_foreign_warehouses_is_refused(client: httpx.AsyncClient) -> None:
    party, other = str(uuid.uuid4()), str(uuid.uuid4())
    theirs = await register_warehouse(client, other)
    rows = [
        ["warehouse_id", "sku", "on_hand"],
        [theirs, "S-1", 1],
        [str(uuid.uuid4()), "S-2", 1],
        [theirs, "S-3", -1],
    ]
    response = await upload(client, "stock", as_csv(rows), supplier(party))
    assert response.status_code == 422
    assert {(e["row"], e["column"]) for e in response.json()["errors"]} == {
        (2, "warehouse_id"),
        (3, "warehouse_id"),
        (4, "on_hand"),
    }


async def test_buyers_are_registered_once(client: httpx.AsyncClient) -> None:
    known = str(uuid.uuid4())
    rows = [
        ["buyer_id", "name", "tier", "delivery_region", "contact_email", "language"],
        [known, "Harbour Cafe", "gold", "north", "buy@harbour.example", "en"],
        ["", "Tea House", "standard", "south", "", "zh-Hant"],
    ]
    first = await upload(client, "buyers", as_csv(rows), OPS)
    assert first.status_code == 201, first.text
    buyer = await client.get(f"/api/v1/buyers/{known}", headers=OPS)
    assert buyer.json()["contact_email"] == "buy@harbour.example"
    assert buyer.json()["language"] == "en"
    rows[1][1] = "Harbour Cafe Ltd"
    changed = await upload(client, "buyers", as_csv(rows), OPS)
    assert changed.status_code == 422
    assert changed.json()["errors"][0] == {
        "row": 2,
        "column": "buyer_id",
        "reason": "this buyer is registered with other facts (buyers are not updated)",
    }
    refused = await upload(client, "buyers", as_csv(rows), supplier(str(uuid.uuid4())))
    assert refused.status_code == 403


async def test_tier_prices_breaks_and_customer_prices(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    party, buyer = str(uuid.uuid4()), str(uuid.uuid4())
    assert (
        await upload(client, "products", as_csv(product_rows(3, "PL")), supplier(party))
    ).is_success
    tiers = [["tier", "sku", "unit_price", "percent_off"], ["gold", "PL-00000", "8.00", ""]]
    tiers.append(["gold", "PL-00001", "", "10"])
    response = await upload(client, "price-lists", as_csv(tiers), supplier(party))
    assert response.status_code == 201, response.text
    breaks = [["tier", "sku", "min_quantity", "unit_price"], ["gold", "PL-00000", 10, "7.50"]]
    breaks.append(["gold", "PL-00000", 50, "7.00"])
    response = await upload(client, "quantity-breaks", as_csv(breaks), supplier(party))
    assert response.status_code == 201, response.text
    missing = [["tier", "sku", "min_quantity", "unit_price"], ["gold", "PL-00002", 10, "1"]]
    response = await upload(client, "quantity-breaks", as_csv(missing), supplier(party))
    assert response.status_code == 422
    assert response.json()["errors"][0]["column"] == "sku"
    prices = [["buyer_id", "sku", "unit_price"], [buyer, "PL-00002", "9.99"]]
    response = await upload(client, "customer-prices", as_csv(prices), supplier(party))
    assert response.status_code == 201, response.text
    [record] = await system.stores["pricing"].read_stream(f"pricelist-{party}-gold", 2)
    listed = {p["sku"]: p for p in record.data["prices"]}
    assert listed["PL-00000"]["unit_price"]["amount"] == "8.00"
    assert [b["min_quantity"] for b in listed["PL-00000"]["breaks"]] == [10, 50]
    assert listed["PL-00001"]["unit_price"]["amount"] == "10.35"  # 11.50 less 10 %
    [price] = await system.stores["pricing"].read_stream(f"customerprice-{party}-{buyer}-PL-00002")
    assert price.data["unit_price"] == {"amount": "9.99", "currency": "EUR"}
