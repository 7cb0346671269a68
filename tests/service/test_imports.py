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
    assert (product.json()["list_price"], product.json()["currency"]) == ("19.5", "EUR")
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
