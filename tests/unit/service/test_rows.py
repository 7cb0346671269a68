"""The batch unit of work: each row read once, changes kept in memory, written back in one go."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from shared.service import rows as rows_module
from shared.service.rows import Rows
from shared.sql import Database
from tests.databases import KINDS, fresh_database

metadata = MetaData()
stock = Table(
    "rows_test_stock",
    metadata,
    Column("sku", String(20), primary_key=True),
    Column("warehouse", String(20), primary_key=True),
    Column("on_hand", Integer, nullable=False, default=0),
    Column("note", String(40)),
)


@pytest.fixture(params=KINDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with fresh_database(request.param, tmp_path) as made:
        await made.create_all(metadata)
        yield made


async def table_rows(engine: Database) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        found = await conn.execute(select(stock).order_by(stock.c.sku, stock.c.warehouse))
        return [tuple(row) for row in found]


async def test_changes_stay_in_memory_until_flush_then_land_together(engine: Database) -> None:
    async with engine.begin() as conn:
        rows = Rows(conn)
        rows.put(stock, {"sku": "A", "warehouse": "north", "on_hand": 5})
        rows.put(stock, {"sku": "B", "warehouse": "north"})
        assert await table_rows(engine) == []
        await rows.flush()
    assert await table_rows(engine) == [("A", "north", 5, None), ("B", "north", 0, None)]


async def test_a_row_read_in_a_batch_sees_the_batchs_own_changes(engine: Database) -> None:
    async with engine.begin() as conn:
        rows = Rows(conn)
        rows.put(stock, {"sku": "A", "warehouse": "north", "on_hand": 5})
        await rows.flush()
    async with engine.begin() as conn:
        rows = Rows(conn)
        for _ in range(3):
            row = await rows.get(stock, ("A", "north"))
            assert row is not None
            rows.put(stock, {**row, "on_hand": row["on_hand"] + 1})
        rows.delete(stock, ("A", "north"))
        assert await rows.get(stock, ("A", "north")) is None
        rows.put(stock, {"sku": "A", "warehouse": "north", "on_hand": 100, "note": "recount"})
        await rows.flush()
    assert await table_rows(engine) == [("A", "north", 100, "recount")]


async def test_composite_keys_load_in_chunks_and_missing_keys_read_as_none(
    engine: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rows_module, "_MAX_PARAMETERS", 6)  # three composite keys per query
    async with engine.begin() as conn:
        rows = Rows(conn)
        for n in range(10):
            rows.put(stock, {"sku": f"S{n}", "warehouse": "east", "on_hand": n})
        await rows.flush()
    async with engine.begin() as conn:
        rows = Rows(conn)
        keys = [(f"S{n}", "east") for n in range(12)]
        await rows.load(stock, keys)
        loaded = [await rows.get(stock, key) for key in keys]
        assert [row["on_hand"] if row else None for row in loaded] == [*range(10), None, None]
        for key in keys[:4]:
            rows.delete(stock, key)
        await rows.flush()
    assert [row[0] for row in await table_rows(engine)] == [f"S{n}" for n in range(4, 10)]


async def test_rows_found_by_another_column_include_the_batchs_own_changes(
    engine: Database,
) -> None:
    async with engine.begin() as conn:
        rows = Rows(conn)
        for sku in ("A", "B"):
            rows.put(stock, {"sku": sku, "warehouse": "north", "on_hand": 1})
        rows.put(stock, {"sku": "A", "warehouse": "south", "on_hand": 1})
        await rows.flush()
    async with engine.begin() as conn:
        rows = Rows(conn)
        rows.put(stock, {"sku": "C", "warehouse": "north", "on_hand": 7})  # before any lookup
        north = await rows.find(stock, "warehouse", "north")
        assert sorted(row["sku"] for row in north) == ["A", "B", "C"]
        for row in north:
            rows.put(stock, {**row, "on_hand": row["on_hand"] + 10})
        rows.put(stock, {"sku": "D", "warehouse": "north"})  # after the lookup
        rows.delete(stock, ("B", "north"))
        again = await rows.find(stock, "warehouse", "north")
        assert sorted((row["sku"], row["on_hand"]) for row in again) == [
            ("A", 11),
            ("C", 17),
            ("D", 0),
        ]
        await rows.load_by(stock, "warehouse", ["south"])
        assert [row["sku"] for row in await rows.find(stock, "warehouse", "south")] == ["A"]
        await rows.flush()
    assert await table_rows(engine) == [
        ("A", "north", 11, None),
        ("A", "south", 1, None),
        ("C", "north", 17, None),
        ("D", "north", 0, None),
    ]
