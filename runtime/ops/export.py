"""``b2b export``: a projection's tables as CSV or Parquet files, one file per table."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Boolean, DateTime, Float, Integer, Table, select

from runtime.ops.deployment import Deployment
from shared.sql import Database


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


def arrow_type(column: Any) -> pa.DataType:
    """The Arrow type of a SQLAlchemy column (text for anything without a closer match)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, Float):
        return pa.float64()
    if isinstance(kind, DateTime):
        return pa.timestamp("us", tz="UTC")
    return pa.string()


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, arrow_type(c), nullable=True) for c in table.columns])


async def table_rows(engine: Database, table: Table) -> list[dict[str, Any]]:
    """Every row, in primary key order (a stable order makes exports comparable)."""
    keys = list(table.primary_key.columns) or list(table.columns)
    async with engine.connect() as conn:
        result = await conn.execute(select(*table.columns).order_by(*keys))
        return [dict(row) for row in result.mappings().all()]


def _cell(value: Any, column: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | datetime):
        return value
    return value if arrow_type(column) != pa.string() else str(value)


def write_parquet(path: Path, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    columns = {c.name: [_cell(row[c.name], c) for row in rows] for c in table.columns}
    pq.write_table(pa.table(columns, schema=arrow_schema(table)), path)


def write_csv(path: Path, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """RFC 4180 CSV with a header; a NULL is an empty field."""
    names = [c.name for c in table.columns]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row[name] is None else row[name] for name in names])


def _make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


async def export_projection(
    deployment: Deployment, name: str, fmt: ExportFormat, out_dir: Path
) -> list[tuple[Path, int]]:
    """Write each table of projection ``name`` to ``out_dir/<table>.<fmt>``; (path, rows) each."""
    service, projection = deployment.projection(name)
    engine = deployment.engines[service]
    _make_dir(out_dir)
    written: list[tuple[Path, int]] = []
    for table in projection.tables:
        rows = await table_rows(engine, table)
        path = out_dir / f"{table.name}.{fmt.value}"
        (write_parquet if fmt is ExportFormat.parquet else write_csv)(path, table, rows)
        written.append((path, len(rows)))
    return written
