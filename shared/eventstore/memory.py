"""An in-memory EventStore for fast unit tests; it passes the same contract suite as SQL stores."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from functools import partial

from shared.eventstore.port import (
    AppendResult,
    AppendsThroughMany,
    DuplicateEventId,
    RecordedEvent,
    StreamAppend,
    check_expected,
)


def _check_request(appends: Sequence[StreamAppend]) -> None:
    streams = [a.stream_id for a in appends]
    if len(streams) != len(set(streams)):
        raise ValueError("a stream appears twice in one append request")
    event_ids = [e.event_id for a in appends for e in a.events]
    if len(event_ids) != len(set(event_ids)):
        raise ValueError("an event id appears twice in one append request")
    for append in appends:
        for event in append.events:
            json.dumps(event.data, allow_nan=False)
            json.dumps(event.metadata, allow_nan=False)


class InMemoryEventStore(AppendsThroughMany):
    """Everything in lists; one lock makes appends atomic."""

    def __init__(self) -> None:
        self._log: list[RecordedEvent] = []
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._by_id: dict[str, RecordedEvent] = {}
        self._lock = asyncio.Lock()
        self._appended = asyncio.Condition()
        self._closed = False

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        _check_request(appends)
        async with self._lock:
            stored = [self._already_stored(item) for item in appends]
            for item, result in zip(appends, stored, strict=True):
                if result is None:
                    version = len(self._streams.get(item.stream_id, []))
                    check_expected(item.stream_id, item.expected_version, version)
            results = [
                result if result is not None else self._write(item)
                for item, result in zip(appends, stored, strict=True)
            ]
        async with self._appended:
            self._appended.notify_all()
        return results

    def _write(self, item: StreamAppend) -> AppendResult:
        stream = self._streams.setdefault(item.stream_id, [])
        now = datetime.now(UTC)
        for event in item.events:
            record = RecordedEvent(
                event_id=event.event_id,
                event_type=event.event_type,
                schema_version=event.schema_version,
                data=json.loads(json.dumps(event.data)),
                metadata=json.loads(json.dumps(event.metadata)),
                stream_id=item.stream_id,
                stream_version=len(stream) + 1,
                position=len(self._log) + 1,
                recorded_at=now,
            )
            stream.append(record)
            self._log.append(record)
            self._by_id[str(event.event_id)] = record
        return AppendResult(item.stream_id, len(stream), len(self._log))

    def _already_stored(self, item: StreamAppend) -> AppendResult | None:
        found = [self._by_id.get(str(e.event_id)) for e in item.events]
        present = [record for record in found if record is not None]
        if not present:
            return None
        elsewhere = [r for r in present if r.stream_id != item.stream_id]
        if elsewhere:
            raise DuplicateEventId(elsewhere[0].event_id, elsewhere[0].stream_id)
        if len(present) != len(found):
            raise DuplicateEventId(present[0].event_id, item.stream_id)
        last = present[-1]
        return AppendResult(item.stream_id, last.stream_version, last.position, already_stored=True)

    async def read_stream(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        events = self._streams.get(stream_id, [])[max(from_version, 1) - 1 :]
        return events[:limit] if limit is not None else list(events)

    async def stream_version(self, stream_id: str) -> int:
        return len(self._streams.get(stream_id, []))

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        return self._log[after_position : after_position + limit]

    async def head_position(self) -> int:
        return len(self._log)

    async def subscribe(
        self, after_position: int = 0, *, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        position = after_position
        while not self._closed:
            batch = await self.read_all(position, batch_size)
            for record in batch:
                yield record
                position = record.position
            if not batch:
                reached = position
                async with self._appended:
                    await self._appended.wait_for(partial(self._moved_past, reached))

    def _moved_past(self, position: int) -> bool:
        return self._closed or len(self._log) > position

    async def close(self) -> None:
        self._closed = True
        async with self._appended:
            self._appended.notify_all()
