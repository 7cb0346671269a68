"""The event store port and its adapters."""

from shared.eventstore.port import (
    AppendResult,
    DuplicateEventId,
    EventStore,
    EventStoreError,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
)

__all__ = [
    "AppendResult",
    "DuplicateEventId",
    "EventStore",
    "EventStoreError",
    "ExpectedVersion",
    "NewEvent",
    "RecordedEvent",
    "StreamAppend",
    "StreamState",
    "WrongExpectedVersion",
]
