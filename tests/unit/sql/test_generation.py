"""A writer knows when another process wrote its database since its last transaction, so what
it cached (folded streams, remembered rows) is trusted without a read until then: SQLite by
``data_version``, PostgreSQL by the turn its writers take."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from shared.eventstore import NewEvent
from shared.eventstore.port import EventStore, RecordedEvent
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.schema import metadata
from shared.eventstore.sql import SqlEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.service.context import CommandContext
from shared.service.repository import Repository
from shared.sql import Database, Transaction
from shared.sql.sqlite import SqliteDatabase
from tests.databases import KINDS, postgres_schema
from tests.unit.service.toy import EnableAutoConfirm, Register, profile


@contextlib.asynccontextmanager
async def two_processes(kind: str, tmp_path: Path) -> AsyncIterator[tuple[SqlEventStore, ...]]:
    """One service's store as two processes open it."""
    if kind == "sqlite":
        # Not SqliteEventStore.open: in one process it shares one database object per file.
        stores = [SqliteEventStore(SqliteDatabase(tmp_path / "events.db")) for _ in range(2)]
        await stores[0].database.create_all(metadata)
        try:
            yield tuple(stores)
        finally:
            for store in stores:
                await store.close()
        return
    async with postgres_schema(2) as databases:
        yield tuple([await PostgresEventStore.on(database) for database in databases])


async def generation_in_unit(database: Database) -> int | None:
    async def read(tx: Transaction) -> int | None:
        return database.generation

    return await database.write(read)


@pytest.mark.parametrize("kind", KINDS)
async def test_the_generation_moves_when_another_process_wrote_and_only_then(
    kind: str, tmp_path: Path
) -> None:
    async with two_processes(kind, tmp_path) as (first, second):
        await first.append("stock-A", [_event()])
        before = await generation_in_unit(first.database)
        assert before is not None
        await first.append("stock-A", [_event()])
        assert await generation_in_unit(first.database) == before, "its own writes: same"

        await second.append("stock-B", [_event()])

        after = await generation_in_unit(first.database)
        assert after is not None
        assert after != before, "another process wrote"
        assert await generation_in_unit(first.database) == after


@pytest.mark.parametrize("kind", KINDS)
async def test_a_cached_stream_is_not_read_again_until_another_process_writes_it(
    kind: str, tmp_path: Path
) -> None:
    async with two_processes(kind, tmp_path) as (first, second):
        reads = _count_stream_reads(first)
        repo = Repository(first, profile, "supplier")  # type: ignore[arg-type]
        other = Repository(second, profile, "supplier")  # type: ignore[arg-type]
        supplier = uuid4()
        await repo.handle(supplier, Register(supplier, "Acme"), CommandContext())
        reads.clear()

        for _ in range(3):
            await repo.handle(supplier, EnableAutoConfirm(supplier), CommandContext())
        assert reads == [], "the cached state was current: no stream read"

        await other.handle(supplier, EnableAutoConfirm(supplier), CommandContext())
        result = await repo.handle(supplier, EnableAutoConfirm(supplier), CommandContext())

        assert reads, "another process wrote: the stream is read again"
        assert result.stream_version == 6, "the command was decided on the other's event too"
        loaded = await Repository(first, profile, "supplier").load(supplier)  # type: ignore[arg-type]
        assert loaded.state.rule_changes == 5


@pytest.mark.parametrize("kind", KINDS)
async def test_the_log_position_is_read_only_after_another_process_appended(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    fetch = Transaction._fetch

    async def noted(self: Transaction, sql: str, args: Any) -> Any:
        statements.append(sql)
        return await fetch(self, sql, args)

    monkeypatch.setattr(Transaction, "_fetch", noted)
    async with two_processes(kind, tmp_path) as (first, second):

        def log_reads() -> int:
            return sum("max(position)" in sql for sql in statements)

        await first.append("stock-A", [_event()])
        known = log_reads()
        await first.append("stock-A", [_event()])
        await first.append("stock-B", [_event()])
        assert log_reads() == known, "its own commits told it where the log ends"

        await second.append("stock-C", [_event()])
        await first.append("stock-A", [_event()])
        assert log_reads() == known + 2, "each read once after the other's append"

        log = await first.read_all(0, 100)
        assert [(e.position, e.stream_id) for e in log] == [
            (1, "stock-A"),
            (2, "stock-A"),
            (3, "stock-B"),
            (4, "stock-C"),
            (5, "stock-A"),
        ]


@pytest.mark.postgres
async def test_outside_a_unit_of_work_postgresql_cannot_tell() -> None:
    async with postgres_schema(1) as (database,):
        store = await PostgresEventStore.on(database)
        await store.append("stock-A", [_event()])
        assert await generation_in_unit(database) is not None
        assert database.generation is None, "a reader cannot know what another process wrote"


def _count_stream_reads(store: EventStore) -> list[str]:
    reads: list[str] = []
    read_stream = store.read_stream

    async def counted(stream_id: str, *args: Any, **kwargs: Any) -> list[RecordedEvent]:
        reads.append(stream_id)
        return await read_stream(stream_id, *args, **kwargs)

    store.read_stream = counted  # type: ignore[method-assign]
    return reads


def _event() -> NewEvent:
    return NewEvent(uuid4(), "StockReserved", {})
