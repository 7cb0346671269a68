"""Export: a projection's tables written as CSV and Parquet read back to the same rows."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from runtime.ops.deployment import Deployment
from runtime.ops.export import ExportFormat, export_projection, table_rows
from services.order.views.analytics import OrderFacts
from shared.eventstore.sqlite import SqliteEventStore
from shared.service.definition import ServiceParts
from shared.sql import Database

FACTS: list[dict[str, Any]] = [
    {
        "order_id": "00000000-0000-0000-0000-00000000000a",
        "supplier_id": "s-1",
        "tier": 'gold, "key" accounts',  # a comma and quotes survive CSV
        "currency": "EUR",
        "outcome": "completed",
        "placed_at": "2025-03-01T10:00:00+00:00",
        "placed_on": "2025-03-01",
        "invoiced_cents": 123456789012,
        "units_ordered": 7,
        "confirm_lead_s": 12.25,
    },
    {"order_id": "00000000-0000-0000-0000-00000000000b", "outcome": "open", "tier": "日本"},
]


@pytest.fixture
async def deployment(tmp_path: Path) -> AsyncIterator[tuple[Deployment, Database]]:
    store = await SqliteEventStore.open(tmp_path / "order.db")
    facts = OrderFacts()
    await facts.create_tables(store.engine)
    async with store.engine.begin() as conn:
        for row in FACTS:
            await conn.execute(facts.facts.insert().values(**row))
    opened = Deployment(
        stores={"order": store},
        engines={"order": store.engine},
        parts={"order": ServiceParts(projections=[facts])},
    )
    yield opened, store.engine
    await store.close()


async def test_parquet_export_reads_back_row_for_row(
    deployment: tuple[Deployment, Database], tmp_path: Path
) -> None:
    opened, engine = deployment
    written = await export_projection(opened, "order_facts", ExportFormat.parquet, tmp_path / "x")
    assert [(p.name, n) for p, n in written] == [
        ("order_daily.parquet", 0),
        ("order_facts.parquet", 2),
    ]
    expected = await table_rows(engine, OrderFacts().facts)
    assert pq.read_table(tmp_path / "x" / "order_facts.parquet").to_pylist() == expected


async def test_csv_export_reads_back_row_for_row(
    deployment: tuple[Deployment, Database], tmp_path: Path
) -> None:
    opened, engine = deployment
    await export_projection(opened, "order:order_facts", ExportFormat.csv, tmp_path)
    expected = await table_rows(engine, OrderFacts().facts)
    with (tmp_path / "order_facts.csv").open(newline="", encoding="utf-8") as file:
        read = list(csv.DictReader(file))
    as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in expected]
    assert read == as_text


async def test_an_unknown_projection_names_the_ones_there_are(
    deployment: tuple[Deployment, Database], tmp_path: Path
) -> None:
    opened, _ = deployment
    with pytest.raises(KeyError, match="order:order_facts"):
        await export_projection(opened, "nope", ExportFormat.csv, tmp_path)
