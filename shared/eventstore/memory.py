"""An in-memory EventStore for fast unit tests; it honours the same contract suite as the real ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timezone

from shared.eventstore.port import (
    AppendResult,
    DuplicateEventId,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
)


def check_expected(stream_id: str, expected: ExpectedVersion, actual: int) -> None:
    if expected is StreamState.ANY:
        return
    if expected is StreamState.NO_STREAM:
        ok = actual == 0
    elif expected is StreamState.STREAM_EXISTS:
        ok = actual > 0
    else:
        ok = actual == expected
    if not ok:
        raise WrongExpectedVersion(stream_id, expected, actual)


class InMemoryEventStore:
    """Everything in lists; one lock makes appends atomic."""

    def __init__(self) -> None:
        self._log: list[RecordedEvent] = []
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._by_id: dict[str, RecordedEvent] = {}
        self._lock = asyncio.Lock()
        self._appended = asyncio.Condition()

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        [result] = await self.append_many([StreamAppend(stream_id, events, expected_version)])
        return result

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        async with self._lock:
            results: list[AppendResult | None] = []
            pending: list[StreamAppend] = []
            for item in appends:
                stored = self._already_stored(item)
                results.append(stored)
                if stored is None:
                    check_expected(
                        item.stream_id,
                        item.expected_version,
                        len(self._streams.get(item.stream_id, [])),
                    )
                    pending.append(item)
            now = datetime.now(timezone.utc)
            written: dict[str, AppendResult] = {}
            for item in pending:
                stream = self._streams.setdefault(item.stream_id, [])
                for event in item.events:
                    record = RecordedEvent(
                        event_id=event.event_id,
                        event_type=event.event_type,
                        schema_version=event.schema_version,
                        data=dict(event.data),
                        metadata=dict(event.metadata),
                        stream_id=item.stream_id,
                        stream_version=len(stream) + 1,
                        position=len(self._log) + 1,
                        recorded_at=now,
                    )
                    stream.append(record)
                    self._log.append(record)
                    self._by_id[str(event.event_id)] = record
                written[item.stream_id] = AppendResult(
                    item.stream_id, len(stream), self._log[-1].position if self._log else 0
                )
        async with self._appended:
            self._appended.notify_all()
        return [
            r if r is not None else written[a.stream_id]
            for r, a in zip(results, appends, strict=True)
        ]

    def _already_stored(self, item: StreamAppend) -> AppendResult | None:
        found = [self._by_id.get(str(e.event_id)) for e in item.events]
        if not any(found):
            return None
        for event, record in zip(item.events, found, strict=True):
            if record is None or record.stream_id != item.stream_id:
                raise DuplicateEventId(
                    event.event_id, record.stream_id if record else item.stream_id
                )
        last = found[-1]
        assert last is not None
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
        while True:
            batch = await self.read_all(position, batch_size)
            for record in batch:
                yield record
                position = record.position
            if not batch:
                async with self._appended:
                    await self._appended.wait_for(lambda: len(self._log) > position)

    async def close(self) -> None:
        return None
