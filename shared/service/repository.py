"""Load an aggregate (cached state plus any newer events), decide, append with the expected
version: all inside one unit of work on the store's database."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from shared.events.base import DomainEvent
from shared.eventstore.port import DuplicateEventId, EventStore, WrongExpectedVersion
from shared.service.codec import to_envelope, to_new_event
from shared.service.context import CommandContext
from shared.service.decider import Decider
from shared.sql import Database
from shared.sql.database import current_transaction

C = TypeVar("C")
S = TypeVar("S")
T = TypeVar("T")


@dataclass(frozen=True)
class CommandResult:
    """What a command did: its events, the stream's new version and the global position reached."""

    stream_id: str
    events: Sequence[DomainEvent]
    stream_version: int
    position: int
    already_applied: bool = False


@dataclass(frozen=True)
class Loaded(Generic[S]):
    state: S
    version: int
    generation: int | None = None
    """The database's generation when this state was current (see Database.generation)."""


def generation_of(store: EventStore) -> int | None:
    """The generation of the store's database: a state cached at the same generation is
    current (no other process wrote since); None when the store cannot tell."""
    database = getattr(store, "database", None)
    return database.generation if isinstance(database, Database) else None


async def in_unit_of_work(store: EventStore, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` in one unit of work on the store's database (as it is, for a store that is
    not in one, such as the in-memory store of unit tests)."""
    database = getattr(store, "database", None)
    if not isinstance(database, Database):
        return await work()
    return await database.write(lambda _tx: work())


def forget_on_rollback(cache: dict[str, Any], stream_id: str) -> None:
    """A state cached inside a unit of work is forgotten if that work is rolled back."""
    tx = current_transaction.get()
    if tx is not None:
        tx.on_rollback(lambda: cache.pop(stream_id, None))


class Repository(Generic[C, S]):
    """One aggregate type's streams (``<prefix>-<id>``) in one store.

    Keeps the latest folded state of recently used streams, so a command reads only the events
    appended since (none, when this process wrote them) instead of the whole stream.
    """

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
        self._cache: OrderedDict[str, Loaded[S]] = OrderedDict()
        self._cache_size = cache_size

    def stream_id(self, aggregate_id: object) -> str:
        return f"{self.stream_prefix}-{aggregate_id}"

    async def load(self, aggregate_id: object) -> Loaded[S]:
        stream_id = self.stream_id(aggregate_id)
        cached = self._cache.get(stream_id)
        generation = generation_of(self.store)
        if cached is not None and generation is not None and cached.generation == generation:
            return cached  # this process wrote every event since: nothing newer to read
        state = cached.state if cached else self.decider.initial_state()
        version = cached.version if cached else 0
        records = await self.store.read_stream(stream_id, from_version=version + 1)
        if not records and cached is not None:
            if cached.generation != generation:
                self._remember(stream_id, Loaded(cached.state, cached.version, generation))
            return cached
        for record in records:
            state = self.decider.evolve(state, to_envelope(record).event)
            version = record.stream_version
        loaded = Loaded(state, version, generation)
        self._remember(stream_id, loaded)
        return loaded

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
            new_events = [
                to_new_event(
                    event,
                    event_id=context.event_id(index),
                    occurred_at=now,
                    correlation_id=context.correlation_id,
                    causation_id=context.causation_id,
                    actor=context.actor,
                )
                for index, event in enumerate(events)
            ]
            try:
                result = await self.store.append(stream_id, new_events, loaded.version)
            except DuplicateEventId:
                # A redelivered cause whose reaction is already stored (ids are deterministic).
                if not context.is_reaction:
                    raise
                self._cache.pop(stream_id, None)
                version = await self.store.stream_version(stream_id)
                return CommandResult(stream_id, [], version, 0, already_applied=True)
            except WrongExpectedVersion:
                self._cache.pop(stream_id, None)
                if expected is not None and attempt == 0:
                    continue  # perhaps only the cache was stale: check the stored version
                if expected is not None or attempt == self.conflict_retries:
                    raise
                continue
            if result.already_stored:
                return CommandResult(
                    stream_id, [], result.stream_version, result.position, already_applied=True
                )
            state = self.decider.fold(events, loaded.state)
            self._remember(
                stream_id, Loaded(state, result.stream_version, generation_of(self.store))
            )
            return CommandResult(stream_id, events, result.stream_version, result.position)
        raise AssertionError("unreachable")  # pragma: no cover

    def _remember(self, stream_id: str, loaded: Loaded[S]) -> None:
        self._cache[stream_id] = loaded
        self._cache.move_to_end(stream_id)
        forget_on_rollback(self._cache, stream_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
