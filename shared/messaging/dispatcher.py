"""One dispatcher per (service, source): reads each event once, decodes it once, and hands the
batch to every handler (projections, then policies) of the service that wants it.

All the handlers' rows, the events their reactions append and their checkpoints commit in one
unit of work on the service's database. A handler that fails on an event dead-letters that
event for itself only (in the same transaction) and the batch goes on.

A ``guarded`` dispatcher may share its checkpoints with dispatchers in other processes (a Kafka
partition during a rebalance, a relay and its replacement): each unit then holds the
checkpoint rows of its source and skips the events they already cover, so an event is applied
once whichever process gets there first.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog

from shared.events.envelope import Envelope
from shared.eventstore.port import RecordedEvent
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.decoding import Unprocessable, decode
from shared.sql import Database, Transaction
from shared.sql.callers import CALLERS

log = structlog.get_logger(__name__)

GIVE_WAY_UNTIL_LATE = timedelta(milliseconds=50)
"""A batch whose first event waited this long no longer gives way to requests being served
(see :mod:`shared.sql.callers`): reactions run behind a stream of commands by about this much."""

LAZY_CHECKPOINT_EVERY = 1000
"""Events skipped (not relevant to a handler) before its position is saved anyway."""


class Feed(Protocol):
    """What a dispatcher follows: a source's log in batches after a position."""

    def batches(
        self, after_position: int = 0, max_batch: int = 500
    ) -> AsyncIterator[list[RecordedEvent]]: ...

    async def head_position(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Item:
    record: RecordedEvent
    envelope: Envelope  # a handler that does not decode gets the record only (see Handler.decodes)


class Handler(ABC):
    """A projection or a policy as a dispatcher drives it."""

    name: str
    """Its consumer name: its checkpoints and dead letters are kept under it."""

    event_types: Collection[str] | None
    """The event types it wants; None for every event."""

    decodes: bool = True
    """Whether it needs the parsed envelope (a handler of raw records skips decoding)."""

    kind: int = 1
    """Handlers run in ascending kind within a batch: projections (0) before policies (1), so a
    policy reads its own service's read models up to the end of the batch."""

    async def ready(self, envelopes: Sequence[Envelope]) -> None:  # noqa: B027
        """Wait for what the handler needs before its transaction (it must not wait inside)."""

    @abstractmethod
    async def apply(
        self, tx: Transaction, items: Sequence[Item], failed: Failed, *, careful: bool
    ) -> None:
        """Handle ``items`` inside ``tx``. Not ``careful``: straight through, a failure fails
        the unit (the dispatcher then runs the batch again, carefully). ``careful``: each part
        in a savepoint, and an event that still fails is reported with ``failed``."""


class Failed(Protocol):
    async def __call__(
        self, item: Item | RecordedEvent, error: BaseException, attempts: int
    ) -> None: ...


class Dispatcher:
    """Follows ``feed`` (the source ``source``) for ``handlers`` of one service; without a feed,
    its owner hands it batches (:meth:`load` first, then :meth:`dispatch`)."""

    def __init__(
        self,
        source: str,
        feed: Feed | None,
        database: Database,
        handlers: Sequence[Handler],
        *,
        dead_letters: DeadLetters,
        max_batch: int = 256,
        guarded: bool = False,
    ) -> None:
        names = [handler.name for handler in handlers]
        if len(set(names)) != len(names):
            raise ValueError(f"handler names must be unique: {names}")
        self.source = source
        self.feed = feed
        self.database = database
        self.handlers = sorted(handlers, key=lambda h: h.kind)
        self.dead_letters = dead_letters
        self.max_batch = max_batch
        self.positions: dict[str, int] = dict.fromkeys(names, 0)
        """Each handler's position: its effects up to here are committed (or needed none)."""
        self._saved: dict[str, int] = dict.fromkeys(names, 0)
        self._advanced = asyncio.Event()
        self.checkpoints = CheckpointStore(database)
        self.loaded = asyncio.Event()
        self.guarded = guarded

    @property
    def position(self) -> int:
        """How far every handler is: the source's events up to here need nothing more."""
        return min(self.positions.values(), default=0)

    async def run(self) -> None:
        assert self.feed is not None, "a dispatcher without a feed is handed batches"
        await self.load()
        async for batch in self.feed.batches(self.position, self.max_batch):
            await self.dispatch(batch)

    async def load(self) -> None:
        """Take up the stored checkpoints (a caller that hands batches to :meth:`dispatch`
        itself calls this first)."""
        if self.guarded:  # rows to hold from the first unit on
            names = list(self.positions)
            await self.database.write(
                lambda tx: CheckpointStore.add_missing_in(tx, self.source, names)
            )
        async with self.database.connect() as conn:
            stored = await CheckpointStore.load_source_in(conn, self.source)
        for name in self.positions:
            self.positions[name] = self._saved[name] = stored.get(name, 0)
        self.loaded.set()
        self._advance()

    async def dispatch(self, batch: Sequence[RecordedEvent]) -> None:
        """Hand ``batch`` to every handler that wants it, in one unit of work."""
        work, poison = self._work(batch)
        for handler, items in work:
            if items:
                await handler.ready([item.envelope for item in items])
        end = batch[-1].position
        touched = {h.name for h, items in work if items} | {h.name for h, _ in poison}
        unsaved = {
            h.name
            for h in self.handlers
            if h.name not in touched and end - self._saved[h.name] >= LAZY_CHECKPOINT_EVERY
        }
        if touched or unsaved:
            save = touched | unsaved
            size = sum(len(items) for _, items in work) + len(poison)
            first = batch[0].recorded_at
            late = first.tzinfo is not None and datetime.now(UTC) - first > GIVE_WAY_UNTIL_LATE

            async def apply(careful: bool) -> None:
                await self.database.write(
                    lambda tx: self._apply(tx, end, work, poison, save, careful=careful),
                    background=True,
                    late=late,
                    size=size,
                )

            try:
                await apply(careful=False)  # savepoints cost statements; most batches need none
            except Exception as error:
                log.info("batch failed; running it again event by event", error=repr(error))
                await apply(careful=True)
        for name, position in self.positions.items():
            self.positions[name] = max(position, end)
        self._advance()

    def _work(
        self, batch: Sequence[RecordedEvent]
    ) -> tuple[list[tuple[Handler, list[Item]]], list[tuple[Handler, RecordedEvent]]]:
        """Each handler's new relevant events, decoded; and those that do not parse."""
        work: list[tuple[Handler, list[Item]]] = []
        poison: list[tuple[Handler, RecordedEvent]] = []
        for handler in self.handlers:
            after = self.positions[handler.name]
            types = handler.event_types
            items = []
            for record in batch:
                if record.position <= after or (
                    types is not None and record.event_type not in types
                ):
                    continue
                if not handler.decodes:
                    items.append(Item(record, None))  # type: ignore[arg-type]
                    continue
                try:
                    items.append(Item(record, decode(record)))
                except Unprocessable:
                    poison.append((handler, record))
            work.append((handler, items))
        return work, poison

    async def _apply(
        self,
        tx: Transaction,
        end: int,
        work: list[tuple[Handler, list[Item]]],
        poison: list[tuple[Handler, RecordedEvent]],
        save: Collection[str],
        *,
        careful: bool,
    ) -> None:
        held: dict[str, int] = {}
        if self.guarded:
            held = await CheckpointStore.load_source_in(tx, self.source, hold=True)
            work, poison = _not_held(work, poison, held)
        for handler, record in poison:
            error = record.decoded
            assert isinstance(error, Unprocessable)
            await self._dead_letter(tx, handler, record, error, 1)
        for handler, items in work:
            if not items:
                continue

            async def failed(
                item: Item | RecordedEvent,
                error: BaseException,
                attempts: int,
                handler: Handler = handler,
            ) -> None:
                record = item.record if isinstance(item, Item) else item
                await self._dead_letter(tx, handler, record, error, attempts)

            await handler.apply(tx, items, failed, careful=careful)
        # Never behind what another process stored meanwhile.
        reached = {name: max(end, held.get(name, 0)) for name in save}
        await self.checkpoints.save_many_in(tx, self.source, reached)

        def saved() -> None:
            for name, position in held.items():
                if name in self.positions:
                    self.positions[name] = max(self.positions[name], position)
                    self._saved[name] = max(self._saved[name], position)
            for name, position in reached.items():
                self._saved[name] = max(self._saved[name], position)

        tx.on_commit(saved)

    async def _dead_letter(
        self,
        tx: Transaction,
        handler: Handler,
        record: RecordedEvent,
        error: BaseException,
        attempts: int,
    ) -> None:
        log.warning(
            "event dead-lettered",
            consumer=handler.name,
            source=self.source,
            position=record.position,
            event_type=record.event_type,
            error=repr(error),
        )
        await self.dead_letters.add_in(
            tx, handler.name, self.source, record, f"{type(error).__name__}: {error}", attempts
        )

    def _advance(self) -> None:
        self._advanced.set()
        self._advanced = asyncio.Event()

    async def wait_for(self, handler: str, position: int, timeout: float) -> bool:
        """Wait until ``handler`` holds the source's events up to ``position``; False on timeout."""
        if self.positions[handler] >= position:
            return True
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
        try:
            with CALLERS.aside():  # a request waiting here must not hold back the dispatchers
                async with asyncio.timeout(timeout):
                    while self.positions[handler] < position:
                        await self._advanced.wait()
        except TimeoutError:
            return False
        return True


def _not_held(
    work: list[tuple[Handler, list[Item]]],
    poison: list[tuple[Handler, RecordedEvent]],
    held: dict[str, int],
) -> tuple[list[tuple[Handler, list[Item]]], list[tuple[Handler, RecordedEvent]]]:
    """The work left once the stored checkpoints (``held``) are taken into account."""
    kept = [(h, [i for i in items if i.record.position > held.get(h.name, 0)]) for h, items in work]
    bad = [(h, record) for h, record in poison if record.position > held.get(h.name, 0)]
    return kept, bad
