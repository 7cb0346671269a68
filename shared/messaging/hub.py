"""One reader per store fanning its log out to every in-process consumer.

Without it each consumer polls the store on every append; with tens of consumers that is
tens of queries per event. The hub reads each new event once and keeps a window of recent
events in memory; a consumer further behind reads history from the store, then joins the window.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
from collections.abc import AsyncIterator, Sequence
from functools import partial

from shared.eventstore.port import (
    AppendResult,
    EventStore,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    StreamState,
)


class FannedOutStore:
    """An EventStore whose subscriptions share one reader; every other call goes to the store."""

    def __init__(self, store: EventStore, *, window: int = 20_000) -> None:
        self.store = store
        self.window = window
        self._events: list[RecordedEvent] = []
        self._positions: list[int] = []
        self._covered_after: int | None = None  # every event after this position is in the window
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        return await self.store.append(stream_id, events, expected_version)

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        return await self.store.append_many(appends)

    async def read_stream(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        return await self.store.read_stream(stream_id, from_version, limit)

    async def stream_version(self, stream_id: str) -> int:
        return await self.store.stream_version(stream_id)

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        return await self.store.read_all(after_position, limit)

    async def head_position(self) -> int:
        return await self.store.head_position()

    async def _start(self) -> None:
        if self._reader is None:
            head = await self.store.head_position()
            if self._reader is None:
                self._covered_after = head
                self._reader = asyncio.create_task(self._read(head), name="feed-hub")

    async def _read(self, after: int) -> None:
        async for record in self.store.subscribe(after, batch_size=1000):
            async with self._changed:
                self._events.append(record)
                self._positions.append(record.position)
                if len(self._events) > self.window:
                    cut = len(self._events) - self.window
                    self._covered_after = self._positions[cut - 1]
                    del self._events[:cut]
                    del self._positions[:cut]
                self._changed.notify_all()

    async def subscribe(
        self, after_position: int = 0, *, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        await self._start()
        position = after_position
        while True:
            covered = self._covered_after
            assert covered is not None
            if position < covered:
                batch = await self.store.read_all(position, batch_size)
                for record in batch:
                    yield record
                    position = record.position
                if batch:
                    continue
            async with self._changed:
                await self._changed.wait_for(partial(self._has_after, position))
                start = bisect.bisect_right(self._positions, position)
                ready = self._events[start : start + batch_size]
            for record in ready:
                yield record
                position = record.position

    def _has_after(self, position: int) -> bool:
        return bool(self._positions) and self._positions[-1] > position

    async def close(self) -> None:
        await self.stop()
        await self.store.close()

    async def stop(self) -> None:
        """Stop the shared reader; the store stays open."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
