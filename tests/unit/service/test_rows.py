"""The batch unit of work: each row read once, changes kept in memory, written back in one go."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shared.service import rows as rows_module
from shared.service.rows import Rows

metadata = MetaData()
stock = Table(
    "rows_test_stock",
    metadata,
    Column("sku", String(20), primary_key=True),
    Column("warehouse", String(20), primary_key=True),
    Column("on_hand", Integer, nullable=False, default=0),
    Column("note", String(40)),
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = os.environ.get("DATABASE_URL", "")
    if request.param == "postgres":
        if not url:
            pytest.skip("PostgreSQL not available: set DATABASE_URL (make test starts one)")
        schema = f"rows_{uuid4().hex[:10]}"
        asyncpg_url = make_url(url).set(drivername="postgresql+asyncpg")
        made = create_async_engine(
            asyncpg_url, connect_args={"server_settings": {"search_path": schema}}
        )
        async with made.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    else:
        made = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'rows.db'}")
    async with made.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield made
    if request.param == "postgres":
        async with made.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await made.dispose()


async def table_rows(engine: AsyncEngine) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        found = await conn.execute(select(stock).order_by(stock.c.sku, stock.c.warehouse))
        return [tuple(row) for row in found]


async def test_changes_stay_in_memory_until_flush_then_land_together(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        rows = Rows(conn)
        rows.put(stock, {"sku": "A", "warehouse": "north", "on_hand": 5})
        rows.put(stock, {"sku": "B", "warehouse": "north"})
        assert await table_rows(engine) == []
        await rows.flush()
    assert await table_rows(engine) == [("A", "north", 5, None), ("B", "north", 0, None)]


async def test_a_row_read_in_a_batch_sees_the_batchs_own_changes(engine: AsyncEngine) -> None:
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
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
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
    engine: AsyncEngine,
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
