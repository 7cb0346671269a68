"""Projections: read models whose rows and checkpoint commit in one transaction.

A projection is disposable: it has a version, its tables carry a suffix, and a rebuild
replays every source from position 0 into fresh tables.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence

import structlog
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import Envelope
from shared.eventstore.port import RecordedEvent
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.consumer import LAZY_CHECKPOINT_EVERY, Source
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.follower import follow
from shared.service.policy import decode
from shared.service.rows import Rows

log = structlog.get_logger(__name__)


class Projection(ABC):
    """Subclasses set ``name``, ``version``, ``sources`` and ``event_types`` and define tables."""

    name: str
    version: int = 1
    sources: Collection[str] = ()
    event_types: Collection[str] = ()

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix
        self.metadata = MetaData()
        self.define_tables(self.metadata)

    def table_name(self, base: str) -> str:
        return f"{base}{self.suffix}"

    @property
    def consumer_name(self) -> str:
        return f"projection:{self.name}:v{self.version}{self.suffix}"

    @property
    def tables(self) -> Sequence[Table]:
        return list(self.metadata.sorted_tables)

    @abstractmethod
    def define_tables(self, metadata: MetaData) -> None:
        """Declare this projection's tables on ``metadata`` (names through :meth:`table_name`)."""

    @abstractmethod
    async def apply(self, conn: AsyncConnection, envelope: Envelope) -> None:
        """Fold one event into the rows, inside the runner's transaction."""

    async def apply_batch(self, conn: AsyncConnection, envelopes: Sequence[Envelope]) -> None:
        """Fold events in order, inside one transaction; :class:`FoldingProjection` batches."""
        for envelope in envelopes:
            await self.apply(conn, envelope)

    async def create_tables(self, engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await conn.run_sync(self.metadata.create_all)


class FoldingProjection(Projection):
    """A projection whose rows are read once per batch, folded in memory, written once.

    Subclasses write :meth:`fold` against :class:`Rows` (get, put, delete by primary key) and may
    name the rows a batch touches in :meth:`prefetch` so they are read in one query.
    """

    @abstractmethod
    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        """Fold one event into ``rows``; no SQL of its own."""

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        """Load the rows ``envelopes`` will touch (rows not loaded here are read on first use)."""

    async def apply(self, conn: AsyncConnection, envelope: Envelope) -> None:
        await self.apply_batch(conn, [envelope])

    async def apply_batch(self, conn: AsyncConnection, envelopes: Sequence[Envelope]) -> None:
        rows = Rows(conn)
        await self.prefetch(rows, envelopes)
        for envelope in envelopes:
            await self.fold(rows, envelope)
        await rows.flush()


async def hold_projection(conn: AsyncConnection, consumer_name: str) -> None:
    """PostgreSQL: one transaction at a time per projection, so the runners of its several
    sources cannot lose each other's read-modify-write updates (SQLite's write lock does this)."""
    if conn.dialect.name == "postgresql":
        key = text("SELECT pg_advisory_xact_lock(hashtext(:name))")
        await conn.execute(key, {"name": consumer_name})


class ProjectionRunner:
    """Keeps one projection up to date with one source; can be awaited for read-your-writes."""

    def __init__(
        self,
        projection: Projection,
        source: Source,
        engine: AsyncEngine,
        *,
        dead_letters: DeadLetters,
        max_batch: int = 500,
    ) -> None:
        self.projection = projection
        self.source = source
        self.engine = engine
        self.dead_letters = dead_letters
        self.max_batch = max_batch
        self.position = 0
        self._advanced = asyncio.Condition()
        self._types = frozenset(projection.event_types)
        self._unsaved = 0

    async def run(self) -> None:
        self.position = await CheckpointStore(self.engine).load(
            self.projection.consumer_name, self.source.name
        )
        await follow(self.source.store, self.position, self._apply_batch, max_batch=self.max_batch)

    async def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until the source's events up to ``position`` are in the rows; False on timeout."""

        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # arrives as the wait completes, and a consumer that ignores its cancellation never stops.
        try:
            async with asyncio.timeout(timeout), self._advanced:
                await self._advanced.wait_for(lambda: self.position >= position)
        except TimeoutError:
            return False
        return True

    async def _apply_batch(self, batch: list[RecordedEvent]) -> None:
        relevant = any(record.event_type in self._types for record in batch)
        self._unsaved += len(batch)
        if not relevant and self._unsaved < LAZY_CHECKPOINT_EVERY:
            # No row changes, so the position can wait: replaying skipped events is free.
            await self._advance(batch[-1].position)
            return
        self._unsaved = 0
        try:
            async with self.engine.begin() as conn:
                await hold_projection(conn, self.projection.consumer_name)
                relevant_events = [decode(r) for r in batch if r.event_type in self._types]
                await self.projection.apply_batch(conn, relevant_events)
                await self._save(conn, batch[-1].position)
        except Exception:
            # Find the culprit: apply one event per transaction, dead-letter what fails.
            for record in batch:
                await self._apply_one(record)
        await self._advance(batch[-1].position)

    async def _apply_one(self, record: RecordedEvent) -> None:
        try:
            async with self.engine.begin() as conn:
                await hold_projection(conn, self.projection.consumer_name)
                if record.event_type in self._types:
                    await self.projection.apply(conn, decode(record))
                await self._save(conn, record.position)
        except Exception as error:
            log.warning(
                "projection dead-lettered an event",
                projection=self.projection.name,
                position=record.position,
                error=repr(error),
            )
            await self.dead_letters.add(
                self.projection.consumer_name,
                self.source.name,
                record,
                f"{type(error).__name__}: {error}",
                attempts=1,
            )
            await CheckpointStore(self.engine).save(
                self.projection.consumer_name, self.source.name, record.position
            )

    async def _save(self, conn: AsyncConnection, position: int) -> None:
        await CheckpointStore.save_in(
            conn, self.projection.consumer_name, self.source.name, position
        )

    async def _advance(self, position: int) -> None:
        async with self._advanced:
            self.position = position
            self._advanced.notify_all()
