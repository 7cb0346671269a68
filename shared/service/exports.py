"""Exports of read models as CSV or XLSX for a date range, streamed to the caller.

A route reads its rows a page at a time (``Pages``); CSV goes out as the pages come, XLSX is
written row by row (openpyxl's write-only mode) into a temporary file that is then streamed."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from shared.service.errors import Problem

ExportFormat = Literal["csv", "xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
MAX_DAYS = 3660
PAGE = 1000
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the rows as CSV (UTF-8, a header row first) or as an XLSX workbook",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
"""The success answer of an export route, for its OpenAPI operation."""

Fetch = Callable[[int, int], Awaitable[Sequence[Any]]]
"""``fetch(offset, limit)``: the next records of a query."""
Rows = AsyncIterator[Sequence[Any]]
"""The rows of an export, each in the order of its columns."""


@dataclass(frozen=True)
class Period:
    """``from``..``to`` (whole days, UTC, both included) as the instants [start, end)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    def label(self) -> str:
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


async def _period(
    first: Annotated[
        date | None, Query(alias="from", description="first day (UTC), default: 30 days ago")
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="last day (UTC), default: today")
    ] = None,
) -> Period:
    today = datetime.now(UTC).date()
    last = last or today
    first = first or last - timedelta(days=30)
    if first > last:
        raise Problem(422, "Invalid request", "from must not be after to", field="from")
    if (last - first).days > MAX_DAYS:
        raise Problem(422, "Invalid request", f"at most {MAX_DAYS} days at once", field="to")
    return Period(first, last)


PeriodDep = Annotated[Period, Depends(_period)]
FormatQuery = Annotated[ExportFormat, Query(description="csv (default) or xlsx")]


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


async def paged(fetch: Fetch) -> AsyncIterator[Any]:
    """Every record of a query, read ``PAGE`` at a time."""
    offset = 0
    while True:
        page = await fetch(offset, PAGE)
        for record in page:
            yield record
        if len(page) < PAGE:
            return
        offset += len(page)


async def _csv(columns: Sequence[str], rows: Rows) -> AsyncIterator[bytes]:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    count = 0
    async for row in rows:
        writer.writerow([_cell(v) for v in row])
        count += 1
        if count % PAGE == 0:
            yield text.getvalue().encode()
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode()


async def _xlsx(name: str, columns: Sequence[str], rows: Rows) -> AsyncIterator[bytes]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    sheet.append(list(columns))
    async for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    with tempfile.TemporaryFile() as target:
        book.save(target)
        target.seek(0)
        while chunk := target.read(1 << 16):
            yield chunk


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):  # a number a spreadsheet can add up, while it is exact
        exponent = value.as_tuple().exponent
        exact = isinstance(exponent, int) and exponent >= -6 and abs(value) < 10**12
        return float(value) if exact else format(value, "f")
    return value


def export_response(
    name: str, period: Period, fmt: ExportFormat, columns: Sequence[str], rows: Rows
) -> StreamingResponse:
    """The rows as a download named ``<name>_<from>_<to>.<format>``."""
    filename = f"{name}_{period.label()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "xlsx":
        return StreamingResponse(_xlsx(name, columns, rows), media_type=XLSX, headers=headers)
    return StreamingResponse(_csv(columns, rows), media_type=CSV, headers=headers)


def party_scope(actor: Any, buyer_id: Any = None, supplier_id: Any = None) -> dict[str, str | None]:
    """The buyer and supplier an export is limited to: a buyer or supplier only itself (403
    when it names another), operations and analysts whom they name (or everyone)."""
    scope = {"buyer": buyer_id, "supplier": supplier_id}
    found = {role: None if value is None else str(value) for role, value in scope.items()}
    if actor.role in found:
        named = found[actor.role]
        if named is not None and named != actor.party:
            raise Problem(
                403, "Not yours", f"a {actor.role} exports only its own", field=f"{actor.role}_id"
            )
        found[actor.role] = actor.party
    return found
