"""Running one import job: validate every row, then (if the file passes, or the caller asked
for the valid rows) apply them in units of work of ``APPLY_CHUNK`` rows through the service's
own commands. The file is read twice, a chunk at a time, never held whole in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from itertools import islice
from typing import Any

import structlog

from shared.service.imports.files import Sheet, UnreadableFile
from shared.service.imports.jobs import JobStore, Mode, RowError
from shared.service.imports.kinds import Importer, ImportKind, Parsed
from shared.sql import Database, Transaction

log = structlog.get_logger(__name__)

CHECK_CHUNK = 1000
"""Rows validated together (one read of the service's state per chunk)."""
MAX_ROWS = 200_000
"""A longer file is refused: split it (each part is its own job)."""
APPLY_CHUNK = 500
"""Rows applied per unit of work: big enough to share a commit, small enough not to hold the
writer long (commands go first between units)."""


def _take(
    rows: Iterator[tuple[int, dict[str, str]]], size: int
) -> list[tuple[int, dict[str, str]]]:
    return list(islice(rows, size))


def _parse_chunk(
    kind: ImportKind, chunk: list[tuple[int, dict[str, str]]]
) -> tuple[list[Parsed], list[RowError]]:
    parsed: list[Parsed] = []
    errors: list[RowError] = []
    for number, cells in chunk:
        model, found = kind.parse(number, cells)
        if model is None:
            errors.extend(found)
        else:
            parsed.append((number, model))
    return parsed, errors


async def _chunks(
    sheet: Sheet, size: int
) -> Any:  # AsyncIterator[list[tuple[int, dict[str, str]]]]
    """The sheet's rows a chunk at a time, parsed off the event loop."""
    rows = sheet.rows()
    while True:
        chunk = await asyncio.to_thread(_take, rows, size)
        if not chunk:
            return
        yield chunk


class ImportRun:
    """Validates and applies one job's file."""

    def __init__(
        self,
        *,
        job_id: str,
        kind: ImportKind,
        importer: Importer,
        sheet: Sheet,
        mode: Mode,
        store: JobStore,
        database: Database,
    ) -> None:
        self.job_id = job_id
        self.kind = kind
        self.importer = importer
        self.sheet = sheet
        self.mode = mode
        self.store = store
        self.database = database

    async def run(self) -> None:
        try:
            await self._run()
        except UnreadableFile as error:
            await self._reject([RowError(error.row or 0, "", error.reason)], error.reason)
        except Exception as error:
            log.exception("import failed", job_id=self.job_id, kind=self.kind.name)
            await self.store.update(
                self.job_id, status="failed", message=f"{type(error).__name__}: {error}"[:500]
            )

    async def _reject(self, errors: list[RowError], message: str) -> None:
        await self.store.add_errors(self.job_id, 0, errors)
        await self.store.update(
            self.job_id, status="rejected", rows_rejected=len(errors), message=message[:500]
        )

    async def _run(self) -> None:
        header = await asyncio.to_thread(self.sheet.header)
        problems = self.kind.header_errors(header)
        if problems:
            await self._reject(problems, "the header row does not name the kind's columns")
            return
        total = await asyncio.to_thread(self.sheet.count)
        await self.store.update(self.job_id, rows_total=total)
        if total > MAX_ROWS:
            reason = f"a file may have at most {MAX_ROWS} rows; split it"
            await self._reject([RowError(MAX_ROWS + 2, "", reason)], reason)
            return
        bad = await self._validate()
        if bad and self.mode == "all":
            await self.store.update(
                self.job_id,
                status="rejected",
                message=f"{len(bad)} rows have errors; nothing was applied",
            )
            return
        await self.store.update(self.job_id, status="applying")
        await self._apply(bad)

    async def _validate(self) -> set[int]:
        """Every row checked; the numbers of the rows refused."""
        bad: set[int] = set()
        validated = kept = 0
        async for chunk in _chunks(self.sheet, CHECK_CHUNK):
            parsed, errors = await asyncio.to_thread(_parse_chunk, self.kind, chunk)
            errors += await self.importer.check(parsed)
            errors.sort(key=lambda e: e.row)
            await self.store.add_errors(self.job_id, kept, errors)
            kept += len(errors)
            bad |= {e.row for e in errors}
            validated += len(chunk)
            await self.store.update(self.job_id, rows_validated=validated, rows_rejected=len(bad))
        await self.store.update(
            self.job_id, rows_total=validated, rows_to_apply=validated - len(bad)
        )
        return bad

    async def _apply(self, bad: set[int]) -> None:
        applied = 0
        async for chunk in _chunks(self.sheet, APPLY_CHUNK):
            wanted = [(n, cells) for n, cells in chunk if n not in bad]
            if not wanted:
                continue
            parsed, _errors = await asyncio.to_thread(_parse_chunk, self.kind, wanted)
            applied = await self._unit(self.importer.apply, parsed, applied)
        applied = await self._unit(lambda _rows: self.importer.finish(), [], applied)
        await self.store.update(self.job_id, status="done", rows_applied=applied)

    async def _unit(self, step: Any, rows: list[Parsed], applied: int) -> int:
        async def work(_tx: Transaction) -> int:
            done: int = applied + await step(rows)
            await self.store.update(self.job_id, rows_applied=done)
            return done

        result: int = await self.database.write(work, background=True)
        return result
