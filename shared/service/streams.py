"""Folded stream states kept between commands: a command reads only the events appended since
(none, when this process wrote them all) instead of the whole stream."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from shared.eventstore.port import EventStore
from shared.service.codec import to_envelope
from shared.sql import Database
from shared.sql.database import current_transaction

S = TypeVar("S")

Fold = Callable[[Any, Any], Any]
"""``(state, event) -> state``."""


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


class StreamCache:
    """The latest folded state of recently used streams of one store (least recently used
    first out). A state cached inside a unit of work is forgotten if that work rolls back."""

    def __init__(self, store: EventStore, size: int = 10_000) -> None:
        self.store = store
        self.size = size
        self._states: OrderedDict[str, Loaded[Any]] = OrderedDict()

    async def load(self, stream_id: str, initial: Callable[[], S], fold: Fold) -> Loaded[S]:
        cached = self._states.get(stream_id)
        generation = generation_of(self.store)
        if cached is not None and generation is not None and cached.generation == generation:
            return cached  # this process wrote every event since: nothing newer to read
        state = cached.state if cached else initial()
        version = cached.version if cached else 0
        records = await self.store.read_stream(stream_id, from_version=version + 1)
        if not records and cached is not None:
            if generation is not None and cached.generation != generation:
                self.remember(stream_id, Loaded(cached.state, cached.version, generation))
            return cached
        for record in records:
            state = fold(state, to_envelope(record).event)
            version = record.stream_version
        loaded = Loaded(state, version, generation)
        self.remember(stream_id, loaded)
        return loaded

    def get(self, stream_id: str) -> Loaded[Any] | None:
        return self._states.get(stream_id)

    def remember(self, stream_id: str, loaded: Loaded[Any]) -> None:
        self._states[stream_id] = loaded
        self._states.move_to_end(stream_id)
        tx = current_transaction.get()
        if tx is not None:
            tx.on_rollback(lambda: self.forget(stream_id))
        while len(self._states) > self.size:
            self._states.popitem(last=False)

    def forget(self, stream_id: str) -> None:
        self._states.pop(stream_id, None)
