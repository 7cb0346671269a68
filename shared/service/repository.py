"""Load an aggregate (cached state plus any newer events), decide, append with the expected
version: all inside one unit of work on the store's database.

``Repository`` serves an aggregate of one stream; ``MultiStreamRepository`` a decision that reads
several streams and appends to several at once (inventory's reservations: the order's stream and
one per SKU), every stream it read appended with the version it was read at."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from shared.events.base import DomainEvent
from shared.eventstore.port import (
    DuplicateEventId,
    EventStore,
    NewEvent,
    StreamAppend,
    WrongExpectedVersion,
)
from shared.service.codec import to_new_event
from shared.service.context import CommandContext
from shared.service.decider import Decider
from shared.service.streams import Fold, Loaded, StreamCache, generation_of
from shared.sql import Database

C = TypeVar("C")
S = TypeVar("S")
W = TypeVar("W")
T = TypeVar("T")


@dataclass(frozen=True)
class CommandResult:
    """What a command did: its events, the stream's new version and the global position reached."""

    stream_id: str
    events: Sequence[DomainEvent]
    stream_version: int
    position: int
    already_applied: bool = False


async def in_unit_of_work(store: EventStore, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` in one unit of work on the store's database (as it is, for a store that is
    not in one, such as the in-memory store of unit tests)."""
    database = getattr(store, "database", None)
    if not isinstance(database, Database):
        return await work()
    return await database.write(lambda _tx: work())


def new_events(
    events: Sequence[DomainEvent], context: CommandContext, now: datetime, first: int = 0
) -> list[NewEvent]:
    """The events to append, with their ids (deterministic for reactions) and metadata."""
    return [
        to_new_event(
            event,
            event_id=context.event_id(first + index),
            occurred_at=now,
            correlation_id=context.correlation_id,
            causation_id=context.causation_id,
            actor=context.actor,
        )
        for index, event in enumerate(events)
    ]


class Repository(Generic[C, S]):
    """One aggregate type's streams (``<prefix>-<id>``) in one store."""

    def __init__(
        self,
        store: EventStore,
        decider: Decider[C, S, Any],
        stream_prefix: str,
        *,
        conflict_retries: int = 8,
        cache_size: int = 10_000,
    ) -> None:
        self.store = store
        self.decider = decider
        self.stream_prefix = stream_prefix
        self.conflict_retries = conflict_retries
        self._streams = StreamCache(store, cache_size)

    def stream_id(self, aggregate_id: object) -> str:
        return f"{self.stream_prefix}-{aggregate_id}"

    async def load(self, aggregate_id: object) -> Loaded[S]:
        decider = self.decider
        return await self._streams.load(
            self.stream_id(aggregate_id), decider.initial_state, decider.evolve
        )

    async def handle(
        self,
        aggregate_id: object,
        command: C,
        context: CommandContext,
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Decide and append, in one unit of work. With ``expected_version`` (HTTP If-Match) a
        mismatch raises WrongExpectedVersion; without it a concurrent write (by another
        process) is retried on fresh state."""
        return await in_unit_of_work(
            self.store, lambda: self._handle(aggregate_id, command, context, expected_version)
        )

    async def _handle(
        self, aggregate_id: object, command: C, context: CommandContext, expected: int | None
    ) -> CommandResult:
        stream_id = self.stream_id(aggregate_id)
        for attempt in range(self.conflict_retries + 1):
            loaded = await self.load(aggregate_id)
            if expected is not None and loaded.version != expected:
                raise WrongExpectedVersion(stream_id, expected, loaded.version)
            now = context.now()
            events = list(self.decider.decide(command, loaded.state, now))
            if not events:
                position = await self.store.head_position()
                return CommandResult(stream_id, [], loaded.version, position)
            try:
                result = await self.store.append(
                    stream_id, new_events(events, context, now), loaded.version
                )
            except DuplicateEventId:
                # A redelivered cause whose reaction is already stored (ids are deterministic).
                if not context.is_reaction:
                    raise
                self._streams.forget(stream_id)
                version = await self.store.stream_version(stream_id)
                return CommandResult(stream_id, [], version, 0, already_applied=True)
            except WrongExpectedVersion:
                self._streams.forget(stream_id)
                if _gives_up(expected, attempt, self.conflict_retries):
                    raise
                continue
            if result.already_stored:
                return CommandResult(
                    stream_id, [], result.stream_version, result.position, already_applied=True
                )
            state = self.decider.fold(events, loaded.state)
            generation = generation_of(self.store)
            self._streams.remember(stream_id, Loaded(state, result.stream_version, generation))
            return CommandResult(stream_id, events, result.stream_version, result.position)
        raise AssertionError("unreachable")  # pragma: no cover


def _gives_up(expected: int | None, attempt: int, retries: int) -> bool:
    """After a conflict: retry on fresh state, unless the caller named the version it expects
    (one more look, in case only the cache was stale) or the retries are spent."""
    if expected is not None:
        return attempt > 0
    return attempt == retries


class Reads:
    """The streams one decision read: each is appended with the version it was read at (an
    empty append is a version check), so two decisions that saw the same state cannot both
    commit."""

    def __init__(self, streams: StreamCache) -> None:
        self._streams = streams
        self.versions: dict[str, int] = {}

    async def state(
        self, stream_id: str, initial: Callable[[], S], fold: Fold, *, guard: bool = True
    ) -> S:
        """The stream's state; ``guard=False`` for a stream read only for reference."""
        loaded = await self._streams.load(stream_id, initial, fold)
        if guard:
            self.versions[stream_id] = loaded.version
        return loaded.state


class MultiStreamRepository(Generic[C, W]):
    """Decisions over several streams of one store: ``read`` builds what the decision sees
    (through ``Reads``), ``decide`` returns events, ``stream_of`` names each event's stream and
    ``fold_of`` the fold of a stream (to keep the states just written)."""

    def __init__(
        self,
        store: EventStore,
        *,
        read: Callable[[C, Reads], Awaitable[W]],
        decide: Callable[[C, W, datetime], Iterable[DomainEvent]],
        stream_of: Callable[[DomainEvent], str],
        fold_of: Callable[[str], Fold],
        conflict_retries: int = 200,
        cache_size: int = 10_000,
    ) -> None:
        self.store = store
        self.read = read
        self.decide = decide
        self.stream_of = stream_of
        self.fold_of = fold_of
        self.conflict_retries = conflict_retries
        self._streams = StreamCache(store, cache_size)

    async def load(self, command: C) -> tuple[W, dict[str, int]]:
        """What ``command`` sees, and the version of every stream it was read from."""
        reads = Reads(self._streams)
        world = await self.read(command, reads)
        return world, reads.versions

    async def handle(
        self,
        command: C,
        context: CommandContext,
        stream_id: str,
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Decide and append atomically in one unit of work; ``stream_id`` is the stream the
        answer (and ``expected_version``) is about."""
        return await in_unit_of_work(
            self.store, lambda: self._handle(command, context, stream_id, expected_version)
        )

    async def _handle(
        self, command: C, context: CommandContext, stream_id: str, expected: int | None
    ) -> CommandResult:
        for attempt in range(self.conflict_retries + 1):
            world, versions = await self.load(command)
            actual = versions.get(stream_id, 0)
            if expected is not None and actual != expected:
                raise WrongExpectedVersion(stream_id, expected, actual)
            now = context.now()
            events = list(self.decide(command, world, now))
            if not events:
                return CommandResult(stream_id, [], actual, await self.store.head_position())
            appends = self._appends(events, versions, context, now)
            try:
                results = await self.store.append_many(appends)
            except (WrongExpectedVersion, DuplicateEventId) as error:
                for append in appends:
                    self._streams.forget(append.stream_id)
                if isinstance(error, DuplicateEventId):
                    # A redelivered cause whose reaction is stored (ids are deterministic).
                    if not context.is_reaction:
                        raise
                    return CommandResult(stream_id, [], 0, 0, already_applied=True)
                if expected is not None or attempt == self.conflict_retries:
                    raise
                continue
            written = [r for r, a in zip(results, appends, strict=True) if a.events]
            if all(r.already_stored for r in written):
                events = []
            for result in written:
                self._keep(result.stream_id, events, result.stream_version)
            mine = next((r for r in results if r.stream_id == stream_id), None)
            position = max(r.position for r in written)
            return CommandResult(stream_id, events, mine.stream_version if mine else 0, position)
        raise AssertionError("unreachable")  # pragma: no cover

    def _keep(self, stream_id: str, events: list[DomainEvent], version: int) -> None:
        """Fold what was just appended into the cached state, or forget it if unsure."""
        cached = self._streams.get(stream_id)
        mine = [e for e in events if self.stream_of(e) == stream_id]
        if cached is None or not mine or cached.version + len(mine) != version:
            self._streams.forget(stream_id)
            return
        fold, state = self.fold_of(stream_id), cached.state
        for event in mine:
            state = fold(state, event)
        self._streams.remember(stream_id, Loaded(state, version, generation_of(self.store)))

    def _appends(
        self,
        events: list[DomainEvent],
        versions: dict[str, int],
        context: CommandContext,
        now: datetime,
    ) -> list[StreamAppend]:
        grouped: dict[str, list[NewEvent]] = defaultdict(list)
        for index, event in enumerate(events):
            grouped[self.stream_of(event)].extend(new_events([event], context, now, index))
        streams = sorted(set(versions) | set(grouped))
        return [StreamAppend(s, grouped.get(s, []), versions.get(s, 0)) for s in streams]
