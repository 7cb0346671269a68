"""Import jobs and their row errors, in the service's own database.

A job is found again by (kind, owner, file hash, mode): the same file uploaded twice is one job.
Its counters move with its work (the rows a unit applies are counted in that unit), so the job
is always as far as the stored events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    select,
    update,
)

from shared.sql import Database

Mode = Literal["all", "valid_rows"]
Status = Literal["validating", "applying", "done", "rejected", "failed"]
FINISHED: frozenset[str] = frozenset({"done", "rejected", "failed"})

MAX_ERRORS_KEPT = 10_000
"""Row errors stored per job; beyond that only their count (a file that bad needs fixing first)."""

metadata = MetaData()

jobs = Table(
    "import_jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("file_format", String(8), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_validated", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("rows_to_apply", Integer, nullable=False),
    Column("rows_applied", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("message", String(500), nullable=True),
    Index("import_jobs_by_file", "kind", "owner", "file_sha256", "mode", unique=True),
)

errors = Table(
    "import_errors",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("row", Integer, nullable=False),
    Column("column", String(80), nullable=False),
    Column("reason", String(500), nullable=False),
)

_BY_ID = select(jobs).where(jobs.c.job_id == bindparam("job_id"))
_BY_FILE = select(jobs).where(
    jobs.c.kind == bindparam("kind"),
    jobs.c.owner == bindparam("owner"),
    jobs.c.file_sha256 == bindparam("file_sha256"),
    jobs.c.mode == bindparam("mode"),
)
_ADD_ERROR = errors.insert()


@dataclass(frozen=True)
class RowError:
    """One reason a row cannot be imported: the sheet's row number and the column at fault."""

    row: int
    column: str
    reason: str

    def public(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class JobStore:
    """The ``import_jobs`` and ``import_errors`` tables of one service's database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._ready = False

    async def ready(self) -> None:
        if not self._ready:
            await self.database.create_all(metadata)
            self._ready = True

    async def find(self, kind: str, owner: str, sha256: str, mode: Mode) -> dict[str, Any] | None:
        await self.ready()
        params = {"kind": kind, "owner": owner, "file_sha256": sha256, "mode": mode}
        async with self.database.connect() as conn:
            row = (await conn.execute(_BY_FILE, params)).mappings().first()
        return None if row is None else _public(dict(row))

    async def get(self, job_id: str) -> dict[str, Any] | None:
        await self.ready()
        async with self.database.connect() as conn:
            row = (await conn.execute(_BY_ID, {"job_id": job_id})).mappings().first()
        return None if row is None else _public(dict(row))

    async def create(self, job: dict[str, Any]) -> None:
        await self.ready()
        now = datetime.now(UTC)
        async with self.database.begin() as tx:
            await tx.execute(jobs.insert(), {**job, "created_at": now, "updated_at": now})

    async def update(self, job_id: str, **values: Any) -> None:
        """Change a job's counters or status (inside the caller's unit of work, if any)."""
        values["updated_at"] = datetime.now(UTC)
        if values.get("status") in FINISHED:
            values["finished_at"] = values["updated_at"]
        async with self.database.begin() as tx:
            await tx.execute(update(jobs).where(jobs.c.job_id == job_id).values(**values))

    async def add_errors(self, job_id: str, start: int, found: Sequence[RowError]) -> None:
        """Store row errors numbered from ``start`` (past MAX_ERRORS_KEPT only counted)."""
        kept = [
            {"job_id": job_id, "seq": start + i, **e.public()}
            for i, e in enumerate(found)
            if start + i < MAX_ERRORS_KEPT
        ]
        if kept:
            async with self.database.begin() as tx:
                await tx.execute(_ADD_ERROR, kept)

    async def row_errors(self, job_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
        query = (
            select(errors.c.row, errors.c.column, errors.c.reason)
            .where(errors.c.job_id == job_id)
            .order_by(errors.c.seq)
            .limit(limit)
            .offset(offset)
        )
        async with self.database.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings().all()]

    async def error_count(self, job_id: str) -> int:
        query = select(func.count()).select_from(errors).where(errors.c.job_id == job_id)
        async with self.database.connect() as conn:
            return int((await conn.execute(query)).scalar() or 0)

    async def clear_errors(self, job_id: str) -> None:
        async with self.database.begin() as tx:
            await tx.execute(errors.delete().where(errors.c.job_id == job_id))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("created_at", "updated_at", "finished_at"):
        row[name] = _utc(row[name])
    return row
