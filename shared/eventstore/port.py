"""The EventStore port: what every adapter (SQLite, PostgreSQL, KurrentDB) promises.

Modelled on KurrentDB: append with an expected version, atomic multi-stream append,
idempotency by event id, stream reads, a global log in commit order, catch-up subscriptions.
Events are stored as JSON text so the store knows nothing of the pydantic models.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


class StreamState(enum.Enum):
    """Expected versions that are not a number."""

    ANY = "any"  # append whatever the stream's version
    NO_STREAM = "no_stream"  # the stream must not exist yet
    STREAM_EXISTS = "stream_exists"  # the stream must have at least one event


ExpectedVersion = int | StreamState
"""An int is the exact version the stream must be at (its last event's version; 0 = empty)."""


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event about to be appended. ``data`` and ``metadata`` must be JSON-serialisable."""

    event_id: uuid.UUID
    event_type: str
    data: dict[str, Any]
    schema_version: int = 1
    metadata: dict[str, Any] = field(default_factory=dict)


class RecordedEvent:
    """An event as stored: stream versions start at 1, global positions at 1, in commit order.

    ``data`` and ``metadata`` may be given as the stored JSON text; they are parsed on first
    use, and :attr:`data_json` keeps the text so a decoder can validate it without a dict.
    """

    __slots__ = (
        "_data",
        "_data_json",
        "_metadata",
        "_metadata_json",
        "decoded",
        "event_id",
        "event_type",
        "position",
        "recorded_at",
        "schema_version",
        "stream_id",
        "stream_version",
    )

    def __init__(
        self,
        *,
        event_id: uuid.UUID,
        event_type: str,
        schema_version: int,
        data: dict[str, Any] | str,
        metadata: dict[str, Any] | str,
        stream_id: str,
        stream_version: int,
        position: int,
        recorded_at: datetime,
    ) -> None:
        self.event_id = event_id
        self.event_type = event_type
        self.schema_version = schema_version
        self.stream_id = stream_id
        self.stream_version = stream_version
        self.position = position
        self.recorded_at = recorded_at
        self._data: dict[str, Any] | None = None if isinstance(data, str) else data
        self._data_json: str | None = data if isinstance(data, str) else None
        self._metadata: dict[str, Any] | None = None if isinstance(metadata, str) else metadata
        self._metadata_json: str | None = metadata if isinstance(metadata, str) else None
        self.decoded: Any = None
        """The parsed envelope, once a consumer has decoded this record (decode once, share)."""

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            parsed: dict[str, Any] = json.loads(self._data_json or "{}")
            self._data = parsed
        return self._data

    @property
    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            parsed: dict[str, Any] = json.loads(self._metadata_json or "{}")
            self._metadata = parsed
        return self._metadata

    @property
    def data_json(self) -> str | None:
        """The stored JSON text of ``data``, when the record was read from storage."""
        return self._data_json

    @property
    def metadata_json(self) -> str | None:
        return self._metadata_json

    def _key(self) -> tuple[Any, ...]:
        return (
            self.event_id,
            self.event_type,
            self.schema_version,
            self.data,
            self.metadata,
            self.stream_id,
            self.stream_version,
            self.position,
            self.recorded_at,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecordedEvent) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.event_id, self.position))

    def __repr__(self) -> str:
        return (
            f"RecordedEvent({self.event_type} v{self.schema_version} {self.stream_id}"
            f"@{self.stream_version} position={self.position} id={self.event_id})"
        )


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """One stream's part of an atomic multi-stream append."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: ExpectedVersion = StreamState.ANY


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append did: the stream's new version and the global position of its last event.

    ``already_stored`` is true when every event id was already in the stream (an idempotent
    re-append): nothing was written and the versions are those of the stored events.
    """

    stream_id: str
    stream_version: int
    position: int
    already_stored: bool = False


class EventStoreError(Exception):
    """Base of every error the store raises on purpose."""


class WrongExpectedVersion(EventStoreError):
    """The stream is not at the version the caller expected (optimistic concurrency conflict)."""

    def __init__(self, stream_id: str, expected: ExpectedVersion, actual: int) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        shown = expected.value if isinstance(expected, StreamState) else expected
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, expected {shown}; reload and retry"
        )


def version_matches(expected: ExpectedVersion, actual: int) -> bool:
    """Whether a stream at version ``actual`` satisfies ``expected`` (0 = no stream)."""
    if expected is StreamState.ANY:
        return True
    if expected is StreamState.NO_STREAM:
        return actual == 0
    if expected is StreamState.STREAM_EXISTS:
        return actual > 0
    return actual == expected


def check_expected(stream_id: str, expected: ExpectedVersion, actual: int) -> None:
    """Raise :class:`WrongExpectedVersion` unless the stream is where the caller expected."""
    if not version_matches(expected, actual):
        raise WrongExpectedVersion(stream_id, expected, actual)


class DuplicateEventId(EventStoreError):
    """Some, but not all, of a batch's event ids are already stored, or stored in another stream."""

    def __init__(self, event_id: uuid.UUID, stream_id: str) -> None:
        self.event_id = event_id
        self.stream_id = stream_id
        super().__init__(f"event {event_id} is already stored in stream {stream_id!r}")


class AppendsThroughMany:
    """``append`` as a one-stream ``append_many``: what every adapter's append is."""

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append to one stream; raises WrongExpectedVersion or DuplicateEventId."""
        [result] = await self.append_many([StreamAppend(stream_id, events, expected_version)])
        return result

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        raise NotImplementedError


@runtime_checkable
class EventStore(Protocol):
    """The port. Every method is safe to call from many tasks at once."""

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append to one stream; raises WrongExpectedVersion or DuplicateEventId."""
        ...

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        """Append to several streams atomically: all of it is stored, or none of it."""
        ...

    async def read_stream(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        """A stream's events from ``from_version`` (inclusive), oldest first; [] if absent."""
        ...

    async def stream_version(self, stream_id: str) -> int:
        """The stream's last version, 0 when it does not exist."""
        ...

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """The global log after ``after_position`` (exclusive), in commit order, never skipping."""
        ...

    async def head_position(self) -> int:
        """The position of the last committed event visible to readers (0 when empty)."""
        ...

    def subscribe(
        self, after_position: int = 0, *, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch-up subscription: history after ``after_position``, then live; no gap, no repeat."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
