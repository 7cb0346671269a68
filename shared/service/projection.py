"""Projections: read models whose rows and checkpoint commit in one unit of work.

A projection is disposable: it has a version, its tables carry a suffix, and a rebuild
replays every source from position 0 into fresh tables. A dispatcher per source feeds it
(see :class:`ProjectionHandler`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence

import structlog
from sqlalchemy import MetaData, Table

from shared.events.envelope import Envelope
from shared.messaging.dispatcher import Failed, Handler, Item
from shared.service.changes import Changes
from shared.service.policy import EventKind, event_names
from shared.service.rows import Rows, order_ids
from shared.service.sql import hold_until_commit
from shared.sql import Connection, Database, Transaction

log = structlog.get_logger(__name__)


class Projection(ABC):
    """Subclasses set ``name``, ``version``, ``sources`` and ``event_types`` and define tables."""

    name: str
    version: int = 1
    sources: Collection[str] = ()
    event_types: Collection[EventKind] = ()
    """The events it folds, by class (preferred) or type name."""
    watched: bool = False
    """Readers long-poll its rows (:mod:`shared.service.changes`): each batch announces the keys
    it changed. Off by default: nobody waits on most read models, and in the distributed mode
    an announcement is a NOTIFY to every process of the service."""

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
    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        """Fold one event into the rows, inside the dispatcher's transaction."""

    async def apply_batch(self, conn: Connection, envelopes: Sequence[Envelope]) -> None:
        """Fold events in order, inside one transaction; :class:`FoldingProjection` batches."""
        for envelope in envelopes:
            await self.apply(conn, envelope)

    async def create_tables(self, engine: Database) -> None:
        await engine.create_all(self.metadata)

    def changed_keys(self, envelopes: Sequence[Envelope]) -> set[str]:
        """The keys of the rows ``envelopes`` change, announced to waiting readers: the orders
        they name, by default."""
        return order_ids(envelopes)


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

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        await self.apply_batch(conn, [envelope])

    async def apply_batch(self, conn: Connection, envelopes: Sequence[Envelope]) -> None:
        rows = Rows(conn)
        await self.prefetch(rows, envelopes)
        for envelope in envelopes:
            await self.fold(rows, envelope)
        await rows.flush()


async def hold_projection(conn: Connection, consumer_name: str) -> None:
    """PostgreSQL: one transaction at a time per projection, so the workers of several processes
    cannot lose each other's read-modify-write updates (in one process the writer serialises)."""
    await hold_until_commit(conn, consumer_name)


class ProjectionHandler(Handler):
    """Drives a projection from a dispatcher: the whole batch in a savepoint; if that fails, one
    event per savepoint, and the events that still fail are dead-lettered."""

    kind = 0

    def __init__(self, projection: Projection, changes: Changes | None = None) -> None:
        self.projection = projection
        self.name = projection.consumer_name
        self.event_types = event_names(projection.event_types)
        self.changes = changes

    async def apply(
        self, tx: Transaction, items: Sequence[Item], failed: Failed, *, careful: bool
    ) -> None:
        await hold_projection(tx, self.name)
        if self.changes is not None and self.projection.watched:
            keys = self.projection.changed_keys([item.envelope for item in items])
            if keys:
                await self.changes.stage(tx, self.projection.name, keys)
        if not careful:
            await self.projection.apply_batch(tx, [item.envelope for item in items])
            return
        try:
            async with tx.savepoint():
                await self.projection.apply_batch(tx, [item.envelope for item in items])
            return
        except Exception:
            pass  # find the culprits: one event per savepoint
        for item in items:
            try:
                async with tx.savepoint():
                    await self.projection.apply_batch(tx, [item.envelope])
            except Exception as error:
                log.warning(
                    "projection dead-letters an event",
                    projection=self.projection.name,
                    position=item.record.position,
                    error=repr(error),
                )
                await failed(item, error, 1)
