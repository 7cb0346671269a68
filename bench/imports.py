"""Bulk import against per-item API calls: 50,000 products and 50,000 stock counts.

An embedded system on SQLite in the work directory; the API in-process (no sockets), with the
test-only actor header. Per item: ``POST /api/v1/products`` (and ``/stock/receipts``) with 16
calls in flight. Bulk: one ``POST /api/v1/imports/<kind>`` of a CSV (and an XLSX) file."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import os
import resource
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl

from bench import machine
from bench.harness import Context
from bench.report import Section
from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from shared.service.auth.dependencies import current_principal
from shared.service.auth.testing import header_principal

NAME = "imports"
TITLE = "Bulk import"
IN_FLIGHT = 16
HEADER = ["sku", "name", "category", "unit", "pack_size", "min_order_qty", "list_price", "currency"]


@contextlib.asynccontextmanager
async def _client(data: Path) -> AsyncIterator[tuple[httpx.AsyncClient, EmbeddedSystem]]:
    system = EmbeddedSystem(data, ALL_SERVICES)
    await system.start()
    app = app_for(system)
    app.dependency_overrides[current_principal] = header_principal
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=3600
        ) as client:
            yield client, system
    finally:
        await app.state.security.close()
        await system.stop()


def _product(i: int, prefix: str) -> list[Any]:
    return [
        f"{prefix}-{i:06d}",
        f"Bench widget {i}",
        "tools",
        "pcs",
        1,
        1,
        f"{i % 90 + 10}.50",
        "EUR",
    ]


def _csv(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _peak_rss_mib() -> float:
    """The process's peak resident memory so far (kernel's high-water mark)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start a new high-water mark (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


async def _per_item(count: int, call: Callable[[int], Awaitable[httpx.Response]]) -> float:
    """Seconds for ``count`` calls, IN_FLIGHT at a time."""
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            response = await call(i)
            if response.status_code >= 300:
                raise RuntimeError(f"per-item call failed: {response.status_code} {response.text}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return time.perf_counter() - started


async def _import(
    client: httpx.AsyncClient, kind: str, content: bytes, name: str, actor: str
) -> tuple[float, float]:
    """(seconds, peak RSS MiB during the import) of one import answered 201."""
    _reset_peak()
    started = time.perf_counter()
    response = await client.post(
        f"/api/v1/imports/{kind}",
        files={"file": (name, content, "application/octet-stream")},
        headers={"X-Actor": actor},
    )
    seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise RuntimeError(f"import of {kind} answered {response.status_code}: {response.text}")
    return seconds, _peak_rss_mib()


async def measure(ctx: Context) -> dict[str, Any]:
    rows = 5_000 if ctx.quick else int(os.environ.get("B2B_BENCH_IMPORT_ROWS", "50000"))
    items = 300 if ctx.quick else 2_000
    xlsx_rows = rows // 5 if ctx.quick else rows
    supplier = str(uuid.uuid4())
    actor = f"supplier:{supplier}"
    found: dict[str, Any] = {"rows": rows, "items": items, "xlsx_rows": xlsx_rows}
    async with _client(ctx.workdir / NAME) as (client, system):
        ctx.progress.say(f"per item: {items:,} POST /products, {IN_FLIGHT} in flight")

        async def product(i: int) -> httpx.Response:
            row = dict(zip(HEADER, _product(i, "ITEM"), strict=True))
            body = {
                **{k: row[k] for k in ("sku", "name", "category", "unit")},
                "supplier_id": supplier,
                "pack_size": 1,
                "min_order_qty": 1,
                "list_price": {"amount": row["list_price"], "currency": "EUR"},
            }
            return await client.post("/api/v1/products", json=body, headers={"X-Actor": actor})

        found["product_items_s"] = await _per_item(items, product)
        content = _csv([HEADER] + [_product(i, "CSV") for i in range(rows)])
        found["products_csv_bytes"] = len(content)
        ctx.progress.say(f"import: {rows:,} products as CSV ({len(content) / 2**20:.1f} MiB)")
        found["products_csv"] = await _import(client, "products", content, "p.csv", actor)
        del content
        content = _xlsx([HEADER] + [_product(i, "XLS") for i in range(xlsx_rows)])
        found["products_xlsx_bytes"] = len(content)
        ctx.progress.say(f"import: {xlsx_rows:,} products as XLSX")
        found["products_xlsx"] = await _import(client, "products", content, "p.xlsx", actor)
        del content

        warehouse = str(uuid.uuid4())
        registered = await client.post(
            "/api/v1/warehouses",
            json={
                "warehouse_id": warehouse,
                "supplier_id": supplier,
                "name": "Bench DC",
                "regions_served": ["north"],
                "speed_rank": 1,
                "lead_time_days": 1,
            },
            headers={"X-Actor": actor},
        )
        registered.raise_for_status()
        ctx.progress.say(f"per item: {items:,} POST /stock/receipts")

        async def receipt(i: int) -> httpx.Response:
            body = {"warehouse_id": warehouse, "sku": f"ITEM-{i:06d}", "quantity": 5}
            return await client.post(
                "/api/v1/stock/receipts", json=body, headers={"X-Actor": f"warehouse:{warehouse}"}
            )

        found["stock_items_s"] = await _per_item(items, receipt)
        stock = [["warehouse_id", "sku", "on_hand"]]
        stock += [[warehouse, f"CSV-{i:06d}", i % 500 + 1] for i in range(rows)]
        content = _csv(stock)
        found["stock_csv_bytes"] = len(content)
        ctx.progress.say(f"import: {rows:,} stock counts as CSV")
        found["stock_csv"] = await _import(client, "stock", content, "s.csv", actor)
        ctx.progress.say("waiting for the read models")
        started = time.perf_counter()
        await system.caught_up(timeout=600)
        found["caught_up_s"] = time.perf_counter() - started
    return found


async def run(ctx: Context) -> list[Section]:
    return [section(ctx, await measure(ctx))]


def section(ctx: Context, f: dict[str, Any]) -> Section:
    product_rate = f["items"] / f["product_items_s"]
    stock_rate = f["items"] / f["stock_items_s"]

    def row(
        what: str, count: int, size: int, measured: tuple[float, float], base: float
    ) -> list[str]:
        seconds, peak = measured
        rate = count / seconds
        return [
            what,
            f"{count:,}",
            f"{size / 2**20:.1f} MiB",
            f"{seconds:.1f} s",
            f"{rate:,.0f}",
            f"{base:,.0f}",
            f"{rate / base:.1f}×",  # noqa: RUF001
            f"{peak:,.0f} MiB",
        ]

    rows = [
        row("products, CSV", f["rows"], f["products_csv_bytes"], f["products_csv"], product_rate),
        row(
            "products, XLSX",
            f["xlsx_rows"],
            f["products_xlsx_bytes"],
            f["products_xlsx"],
            product_rate,
        ),
        row("stock counts, CSV", f["rows"], f["stock_csv_bytes"], f["stock_csv"], stock_rate),
    ]
    busy = machine.busy_note(ctx.load_at_start)
    notes = (
        "An import validates every row first (a pass over the file, one read of the read model "
        "per 1,000 rows), then applies the rows through the owning service's own commands in "
        "units of work of 500 rows: one commit per unit instead of one per call, and no HTTP, "
        "JSON or idempotency record per row. The file is read a chunk at a time, twice; the "
        "peak memory is the whole process's (the system, its caches and this harness, which "
        f"holds the file it uploads). The read models caught up {f['caught_up_s']:.1f} s "
        "after the last import answered."
    )
    return Section(
        title=TITLE,
        method=(
            "A fresh embedded system (SQLite) with its API in-process. *Per item*: "
            f"{f['items']:,} `POST /api/v1/products` (a supplier) and as many "
            f"`POST /api/v1/stock/receipts` (a warehouse), {IN_FLIGHT} in flight. *Import*: one "
            "`POST /api/v1/imports/products` of a CSV file and one of an XLSX file, one "
            "`POST /api/v1/imports/stock` of a CSV file (a count per SKU at one warehouse), "
            "each answered once every row is applied. One run each."
        ),
        headers=[
            "import",
            "rows",
            "file",
            "time",
            "rows/s",
            "per-item API calls/s",
            "factor",
            "peak RSS",
        ],
        rows=rows,
        notes=f"{notes}\n\n{busy}" if busy else notes,
    )
