"""Time travel: an aggregate's state as the fold of the events recorded up to an instant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic_core import to_jsonable_python

from shared.eventstore.port import EventStore, RecordedEvent
from shared.service.codec import to_envelope

S = TypeVar("S")


@dataclass(frozen=True)
class AsOf(Generic[S]):
    """The folded state, the stream version it reached and when that event was recorded."""

    state: S
    version: int
    recorded_at: datetime | None


def recorded_by(records: list[RecordedEvent], as_of: datetime) -> list[RecordedEvent]:
    """The prefix of a stream recorded at or before ``as_of`` (a naive time is taken as UTC)."""
    instant = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    prefix: list[RecordedEvent] = []
    for record in records:
        if record.recorded_at > instant:
            break
        prefix.append(record)
    return prefix


async def fold_as_of(
    store: EventStore,
    stream_id: str,
    evolve: Callable[[S, Any], S],
    initial: S,
    as_of: datetime,
) -> AsOf[S]:
    """Fold ``stream_id``'s events recorded up to ``as_of`` with the aggregate's own evolve."""
    state, version, at = initial, 0, None
    for record in recorded_by(await store.read_stream(stream_id), as_of):
        state = evolve(state, to_envelope(record).event)
        version, at = record.stream_version, record.recorded_at
    return AsOf(state, version, at)


def state_json(state: object) -> Any:
    """A folded state (dataclasses, UUIDs, Decimals, enums, sets) as JSON-able data."""
    return to_jsonable_python(state, fallback=str)


AsOfQuery = Annotated[
    datetime | None,
    Query(
        description="Time travel: the state as the fold of the events recorded up to this "
        "instant (ISO 8601; without a zone, UTC)"
    ),
]


def as_of_body(folded: AsOf[Any], stream_id: str, as_of: datetime) -> dict[str, Any]:
    """The answer of a ``?as_of=`` query: the folded state and how far the stream was read."""
    return {
        "as_of": (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)).isoformat(),
        "stream_id": stream_id,
        "version": folded.version,
        "recorded_at": folded.recorded_at.isoformat() if folded.recorded_at else None,
        "state": state_json(folded.state),
    }
