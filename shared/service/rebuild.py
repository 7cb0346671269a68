"""Rebuild a projection from position 0 into suffixed tables beside the live ones, then swap.

The fresh copy replays its sources merged in commit-time order, catches up, and in one write
transaction (which holds the live runners back) takes the last events, compares every row with
the live tables, renames the fresh tables into place and hands over the checkpoints.
"""

from __future__ import annotations

import heapq
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import Table, delete, select, text

from shared.events.envelope import Envelope
from shared.eventstore.port import EventStore, RecordedEvent
from shared.messaging.checkpoints import CheckpointStore, checkpoints
from shared.messaging.decoding import Unprocessable, decode
from shared.service.policy import event_names
from shared.service.projection import Projection, hold_projection
from shared.sql import Connection, Database, Transaction

log = structlog.get_logger(__name__)

Progress = Callable[[int, int], None]
"""Called with (events replayed, events to replay) as the rebuild goes."""

Pending = tuple[str, RecordedEvent, Envelope | None]
"""An event to apply: its source, the record, and its envelope when already decoded."""

_NONE: Mapping[str, int] = {}
"""No positions read past the events at hand."""


class RebuildMismatch(Exception):
    """The rebuilt rows differ from the live rows; nothing was swapped."""

    def __init__(self, projection: str, differences: Sequence[str]) -> None:
        self.differences = list(differences)
        shown = "; ".join(self.differences[:5])
        super().__init__(
            f"projection {projection!r}: rebuilt rows differ from the live rows ({shown}); "
            "the live tables are untouched — inspect the differences, fix the projection "
            "(and raise its version), then replay again"
        )


@dataclass
class RebuildReport:
    """What a rebuild did: events read and applied, rows compared, whether it swapped."""

    projection: str
    suffix: str
    events_read: int = 0
    events_applied: int = 0
    skipped: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    verified: bool = False
    swapped: bool = False
    seconds: float = 0.0


def new_suffix() -> str:
    """A table suffix unique to this rebuild (index and constraint names stay unique too)."""
    return f"__r{time.time_ns() // 1_000_000}"


class Rebuild:
    """One rebuild of ``live`` (a projection instance) from ``sources`` into ``engine``."""

    def __init__(
        self,
        live: Projection,
        sources: Mapping[str, EventStore],
        engine: Database,
        *,
        suffix: str | None = None,
        batch_size: int = 2000,
        progress: Progress | None = None,
    ) -> None:
        missing = [name for name in live.sources if name not in sources]
        if missing:
            raise ValueError(f"projection {live.name!r} needs the stores of {missing}")
        self.live = live
        self.fresh = type(live)(suffix=suffix or new_suffix())
        self.sources = {name: sources[name] for name in live.sources}
        self.engine = engine
        self.batch_size = batch_size
        self.progress = progress
        self.report = RebuildReport(live.name, self.fresh.suffix)
        self._types = event_names(live.event_types)
        self._positions = dict.fromkeys(self.sources, 0)
        self._total = 0

    async def run(self, *, verify: bool = True) -> RebuildReport:
        """Prepare, replay to the live checkpoints (or the heads), then swap; the whole job."""
        started = time.perf_counter()
        await self.prepare()
        await self.catch_up()
        await self.swap(verify=verify)
        self.report.seconds = time.perf_counter() - started
        return self.report

    async def prepare(self) -> None:
        """Create the suffixed tables empty (dropping leftovers of an interrupted rebuild)."""
        await self.engine.drop_all(self.fresh.metadata)
        await self.engine.create_all(self.fresh.metadata)
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(checkpoints).where(checkpoints.c.consumer == self.fresh.consumer_name)
            )

    async def catch_up(self, *, rounds: int = 20) -> None:
        """Replay each source up to the live checkpoint (the head when there is none yet).

        Repeats while the live runners move on; the swap takes whatever is left under its lock.
        """
        for _ in range(rounds):
            targets = await self._targets()
            gap = sum(max(0, targets[n] - self._positions[n]) for n in targets)
            if gap == 0:
                return
            self._total = self.report.events_read + gap
            await self._replay(targets, conn=None)
            if gap < self.batch_size:
                return

    async def _targets(self) -> dict[str, int]:
        async with self.engine.connect() as conn:
            live = await self._live_positions(conn)
        if any(live.values()):
            return live
        return {name: await store.head_position() for name, store in self.sources.items()}

    async def swap(self, *, verify: bool = True) -> None:
        """In one transaction: take the last events, compare with the live rows, rename, hand over.

        ``verify=False`` is for a changed code version, whose rows are meant to differ.
        """
        async with self.engine.begin() as conn:
            await self._hold_live_writers(conn)
            live = await self._live_positions(conn)
            targets = {n: live[n] for n in self.sources} if verify else None
            if targets is None:
                targets = {n: await s.head_position() for n, s in self.sources.items()}
            await self._replay(targets, conn=conn)
            for table in self.fresh.tables:
                count = await conn.scalar(select(text("count(*)")).select_from(table))
                self.report.rows[self._live_name(table)] = int(count or 0)
            if verify:
                differences = await self._compare(conn)
                if differences:
                    raise RebuildMismatch(self.live.name, differences)
                self.report.verified = True
            await self._rename(conn)
            await self._hand_over(conn)
        self.report.positions = dict(self._positions)
        self.report.swapped = True
        log.info(
            "projection rebuilt and swapped",
            projection=self.live.name,
            events=self.report.events_read,
            verified=self.report.verified,
        )

    # --- replay -----------------------------------------------------------------------------

    async def _replay(self, targets: Mapping[str, int], conn: Transaction | None) -> None:
        pending: list[Pending] = []
        read_batch = min(self.batch_size, 5000)
        async for name, record in merged_log(self.sources, self._positions, targets, read_batch):
            pending.append((name, record, None))
            if len(pending) >= self.batch_size:
                await self._apply(pending, conn)
                pending = []
        if pending:
            await self._apply(pending, conn)

    async def apply_pending(
        self, items: list[Pending], through: Mapping[str, int] | None = None
    ) -> None:
        """Apply events read (and maybe decoded) by a caller, in their own transaction; with
        ``through``, the checkpoints move to those positions (the caller read that far, and the
        events between were none this projection wants)."""
        ahead = {n: p for n, p in (through or {}).items() if p > self._positions[n]}
        if items or ahead:
            await self._apply(items, None, ahead)

    async def _apply(
        self, items: list[Pending], conn: Transaction | None, through: Mapping[str, int] = _NONE
    ) -> None:
        if conn is not None:
            for item in items:  # under the swap's lock: a savepoint per event
                try:
                    async with conn.begin_nested():
                        self.report.events_applied += await self._apply_in(conn, [item])
                except Exception as error:
                    self._skip(item, error)
                    await self._save(conn, [item])
            if through:
                await self._save(conn, [], through)
        else:
            try:
                async with self.engine.begin() as own:
                    applied = await self._apply_in(own, items, through)
                self.report.events_applied += applied
            except Exception:
                # Find the culprit as the live runner does: one event per transaction.
                for item in items:
                    try:
                        async with self.engine.begin() as own:
                            applied = await self._apply_in(own, [item])
                        self.report.events_applied += applied
                    except Exception as error:
                        self._skip(item, error)
                        async with self.engine.begin() as own:
                            await self._save(own, [item])
                if through:
                    async with self.engine.begin() as own:
                        await self._save(own, [], through)
        self.report.events_read += len(items)
        for name, record, _ in items:
            self._positions[name] = max(self._positions[name], record.position)
        for name, position in through.items():
            self._positions[name] = max(self._positions[name], position)
        if self.progress is not None:
            self.progress(self.report.events_read, max(self._total, self.report.events_read))

    async def _apply_in(
        self, conn: Connection, items: list[Pending], through: Mapping[str, int] = _NONE
    ) -> int:
        """Apply the relevant events and save the positions; how many were applied."""
        envelopes = [
            envelope or decode(record)
            for _, record, envelope in items
            if record.event_type in self._types
        ]
        await self.fresh.apply_batch(conn, envelopes)
        await self._save(conn, items, through)
        return len(envelopes)

    async def _save(
        self, conn: Connection, items: list[Pending], through: Mapping[str, int] = _NONE
    ) -> None:
        """The checkpoints after ``items``, or the positions ``through`` names (read past)."""
        last = {name: record.position for name, record, _ in items}
        last.update(through)
        for name, position in last.items():
            await CheckpointStore.save_in(conn, self.fresh.consumer_name, name, position)

    def _skip(self, item: Pending, error: Exception) -> None:
        # The live runner dead-lettered this event too; the rebuild leaves it out the same way.
        name, record, _ = item
        self.report.skipped.append(f"{name}@{record.position} {record.event_type}: {error!r}"[:300])

    # --- swap -------------------------------------------------------------------------------

    async def _live_positions(self, conn: Connection) -> dict[str, int]:
        return {
            name: await CheckpointStore.load_in(conn, self.live.consumer_name, name)
            for name in self.sources
        }

    async def _hold_live_writers(self, conn: Connection) -> None:
        """SQLite: the IMMEDIATE transaction holds the write lock. PostgreSQL: the runners' lock."""
        await hold_projection(conn, self.live.consumer_name)

    def _live_name(self, table: Table) -> str:
        return table.name[: -len(self.fresh.suffix)] if self.fresh.suffix else table.name

    async def _compare(self, conn: Connection) -> list[str]:
        differences: list[str] = []
        for fresh, live in zip(self.fresh.tables, self._live_tables(), strict=True):
            fresh_rows = await _rows(conn, fresh)
            live_rows = await _rows(conn, live)
            if len(fresh_rows) != len(live_rows):
                differences.append(
                    f"{live.name}: {len(live_rows)} live rows, {len(fresh_rows)} rebuilt"
                )
                continue
            for index, (a, b) in enumerate(zip(live_rows, fresh_rows, strict=True)):
                if not _same_row(a, b):
                    differences.append(f"{live.name} row {index}: live {a!r} != rebuilt {b!r}")
                    break
        return differences

    def _live_tables(self) -> list[Table]:
        by_name = {table.name: table for table in self.live.tables}
        return [by_name[self._live_name(fresh)] for fresh in self.fresh.tables]

    async def _rename(self, conn: Connection) -> None:
        retired = f"{self.fresh.suffix}_retired"
        existing = await self.engine.table_names()
        for fresh in self.fresh.tables:
            name = self._live_name(fresh)
            if name in existing:
                await conn.execute(text(f'ALTER TABLE "{name}" RENAME TO "{name}{retired}"'))
            await conn.execute(text(f'ALTER TABLE "{fresh.name}" RENAME TO "{name}"'))
            if name in existing:
                await conn.execute(text(f'DROP TABLE "{name}{retired}"'))

    async def _hand_over(self, conn: Connection) -> None:
        """The live consumer name now owns the rebuilt rows, at the rebuilt positions."""
        for name, position in self._positions.items():
            await CheckpointStore.save_in(conn, self.live.consumer_name, name, position)
        await conn.execute(
            delete(checkpoints).where(checkpoints.c.consumer == self.fresh.consumer_name)
        )


async def merged_log(
    stores: Mapping[str, EventStore],
    starts: Mapping[str, int],
    targets: Mapping[str, int],
    read_batch: int,
) -> AsyncIterator[tuple[str, RecordedEvent]]:
    """Every store's events after its start up to its target, merged by commit time (as the
    live runners saw them)."""
    names = list(stores)
    streams = [_read(stores[n], starts.get(n, 0), targets.get(n, 0), read_batch) for n in names]
    heap: list[tuple[Any, int, int, RecordedEvent]] = []
    for index, stream in enumerate(streams):
        first = await anext(stream, None)
        if first is not None:
            heapq.heappush(heap, (first.recorded_at, index, first.position, first))
    while heap:
        _, index, _, record = heapq.heappop(heap)
        yield names[index], record
        following = await anext(streams[index], None)
        if following is not None:
            heapq.heappush(heap, (following.recorded_at, index, following.position, following))


async def _read(
    store: EventStore, position: int, target: int, read_batch: int
) -> AsyncIterator[RecordedEvent]:
    while position < target:
        batch = await store.read_all(position, read_batch)
        if not batch:
            return
        for record in batch:
            if record.position > target:
                return
            yield record
            position = record.position


async def rebuild_together(
    rebuilds: Sequence[Rebuild],
    *,
    verify: bool = True,
    progress: Progress | None = None,
) -> list[RebuildReport]:
    """Rebuild many projections reading each source once: every event is read and decoded once
    and handed to each projection that wants it; then each catches up and swaps on its own.

    An event no projection wants costs its read alone (it is not queued, nor carried through a
    projection's batch); each projection's checkpoint moves past such events when it commits.
    """
    started = time.perf_counter()
    for rebuild in rebuilds:
        await rebuild.prepare()
    targets = {id(r): await r._targets() for r in rebuilds}
    stores: dict[str, EventStore] = {}
    ends: dict[str, int] = {}
    for rebuild in rebuilds:
        stores.update(rebuild.sources)
        for name in rebuild.sources:
            ends[name] = max(ends.get(name, 0), targets[id(rebuild)][name])
    total = sum(ends.values())
    readers = {name: _SourceRead(name, rebuilds, targets) for name in stores}
    wanting: dict[tuple[str, str], list[tuple[Rebuild, int]]] = {}
    pending: dict[int, list[Pending]] = {id(r): [] for r in rebuilds}
    read = 0
    async for name, record in merged_log(stores, dict.fromkeys(stores, 0), ends, 5000):
        read += 1
        readers[name].passed(record.position)
        interested = wanting.get((name, record.event_type))
        if interested is None:
            interested = wanting[(name, record.event_type)] = [
                (r, targets[id(r)][name])
                for r in rebuilds
                if name in r.sources and record.event_type in r._types
            ]
        if interested:
            envelope = _decoded_or_none(record)
            for rebuild, target in interested:
                if record.position > target:
                    continue
                queue = pending[id(rebuild)]
                queue.append((name, record, envelope))
                if len(queue) >= rebuild.batch_size:
                    await rebuild.apply_pending(queue, _read_through(rebuild, readers, targets))
                    queue.clear()
        if progress is not None and read % 5000 == 0:
            progress(read, total)
    for rebuild in rebuilds:
        await rebuild.apply_pending(pending[id(rebuild)], _read_through(rebuild, readers, targets))
        rebuild.report.events_read = sum(
            readers[n].read_up_to(targets[id(rebuild)][n]) for n in rebuild.sources
        )
    if progress is not None:
        progress(read, max(total, read))
    reports = []
    for rebuild in rebuilds:
        await rebuild.catch_up()
        await rebuild.swap(verify=verify)
        rebuild.report.seconds = time.perf_counter() - started
        reports.append(rebuild.report)
    return reports


class _SourceRead:
    """How far one source has been read, and how many of its events lay at or before each
    rebuild's target (the count a rebuild reports as read)."""

    def __init__(
        self, name: str, rebuilds: Sequence[Rebuild], targets: Mapping[int, Mapping[str, int]]
    ) -> None:
        self.position = 0
        self.count = 0
        self._marks = sorted({targets[id(r)][name] for r in rebuilds if name in r.sources})
        self._counted: dict[int, int] = {}

    def passed(self, position: int) -> None:
        while self._marks and position > self._marks[0]:
            self._counted[self._marks.pop(0)] = self.count
        self.position = position
        self.count += 1

    def read_up_to(self, target: int) -> int:
        return self._counted.get(target, self.count)


def _read_through(
    rebuild: Rebuild, readers: Mapping[str, _SourceRead], targets: Mapping[int, Mapping[str, int]]
) -> dict[str, int]:
    """The positions of ``rebuild``'s sources read so far, none past its targets."""
    return {n: min(readers[n].position, targets[id(rebuild)][n]) for n in rebuild.sources}


def _decoded_or_none(record: RecordedEvent) -> Envelope | None:
    try:
        return decode(record)
    except Unprocessable:
        return None  # each rebuild finds it unprocessable again and skips it


async def _rows(conn: Connection, table: Table) -> list[tuple[Any, ...]]:
    keys = list(table.primary_key.columns) or list(table.columns)
    result = await conn.execute(select(*table.columns).order_by(*keys))
    return [tuple(row) for row in result.all()]


def _same_row(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))


def _same_value(a: Any, b: Any) -> bool:
    """Equal values; JSON documents compare as values (their key order carries no meaning)."""
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str) and a[:1] in "[{" and b[:1] in "[{":
        try:
            return bool(json.loads(a) == json.loads(b))
        except ValueError:
            return False
    return False
