"""Reading an uploaded sheet row by row: CSV (the standard csv module) or XLSX (openpyxl's
read-only mode), never the whole file in memory. Row numbers are the sheet's own: the header
is row 1, so an error report points at the line a person sees in the spreadsheet."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

FileFormat = Literal["csv", "xlsx"]

MAX_CELL_CHARS = 5000
"""A longer cell is refused (names and texts are at most 1,000 characters)."""


class UnreadableFile(Exception):
    """The upload is neither readable CSV (UTF-8) nor XLSX; the message says why."""

    def __init__(self, reason: str, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


def sniff(path: Path) -> FileFormat:
    """XLSX is a zip archive; anything else is read as CSV."""
    with path.open("rb") as source:
        head = source.read(4)
    return "xlsx" if head == b"PK\x03\x04" else "csv"


@dataclass
class Sheet:
    """The header and the data rows of an upload (read again on every iteration)."""

    path: Path
    format: FileFormat

    def header(self) -> list[str]:
        for _number, cells in self._cells():
            return [normalise_header(cell) for cell in cells]
        raise UnreadableFile("the file is empty: its first row must name the columns", row=1)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, cells by column) for every row that is not blank."""
        cells = self._cells()
        header: list[str] | None = None
        for number, values in cells:
            if header is None:
                header = [normalise_header(cell) for cell in values]
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                raise UnreadableFile("this row has more cells than the header names", number)
            yield number, {name: value for name, value in zip(header, values, strict=False)}

    def count(self) -> int:
        """How many data rows the file holds (an upper bound for XLSX: its declared size)."""
        if self.format == "xlsx":
            return max(0, self._xlsx_dimension() - 1)
        return sum(1 for _ in self.rows())

    def _cells(self) -> Iterator[tuple[int, list[str]]]:
        if self.format == "csv":
            yield from _csv_cells(self.path)
        else:
            yield from _xlsx_cells(self.path)

    def _xlsx_dimension(self) -> int:
        with _workbook(self.path) as sheet:
            if sheet.max_row is None:  # a workbook that does not declare its size
                sheet.reset_dimensions()
                return sum(1 for _ in sheet.iter_rows(values_only=True))
            return int(sheet.max_row)


def normalise_header(cell: str) -> str:
    """``"List price "`` → ``list_price``: headers match column names loosely."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _csv_cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            for values in reader:
                _bounded(values, reader.line_num)
                yield reader.line_num, values
        except UnicodeDecodeError:
            raise UnreadableFile(
                "the file is not UTF-8 text; save the CSV as UTF-8 (or upload XLSX)",
                reader.line_num + 1,
            ) from None
        except csv.Error as error:
            raise UnreadableFile(f"not valid CSV: {error}", reader.line_num) from None


@contextlib.contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """The workbook in read-only mode (rows are read from the file as they are asked for)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as source:  # a file object: openpyxl would judge a path by its name
        try:
            workbook = load_workbook(source, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
            raise UnreadableFile(f"not a readable XLSX workbook: {error}") from None
        try:
            if not workbook.worksheets:
                raise UnreadableFile("the workbook has no sheet")
            yield workbook.worksheets[0]
        finally:
            workbook.close()


def _xlsx_cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    with _workbook(path) as sheet:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            _bounded(cells, number)
            yield number, cells


def _bounded(values: list[str], row: int) -> None:
    if len(values) > 200:
        raise UnreadableFile("a row may have at most 200 cells", row)
    if any(len(v) > MAX_CELL_CHARS for v in values):
        raise UnreadableFile(f"a cell may hold at most {MAX_CELL_CHARS} characters", row)


def _text(value: Any) -> str:
    """A cell as the text a person typed: 12 not 12.0, dates as ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        exact = Decimal(repr(value))
        return str(int(exact)) if exact == exact.to_integral_value() else format(exact, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
