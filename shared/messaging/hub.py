"""One reader per store fanning its log out to every in-process follower, in batches.

Without it each follower would query the store after every commit; with tens of followers that
is tens of queries per event. The reader is woken by the store's commits (nothing polls at
rest but the store's slow fallback) and keeps a window of recent events; a follower further
behind reads history from the store, then joins the window. Followers share the very record
objects, so an event decoded by one is decoded for all.

The window holds only what a follower has yet to take (at most ``window`` events): decoded
events are hundreds of thousands of objects after a burst, and every full collection of the
garbage collector walks them all (a second's pause for 60,000 events).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
from collections.abc import AsyncIterator

from shared.eventstore.port import EventStore, RecordedEvent


class LogFeed:
    """Batches of one store's global log for the followers in this process."""

    def __init__(self, store: EventStore, *, window: int = 20_000) -> None:
        self.store = store
        self.window = window
        self._events: list[RecordedEvent] = []
        self._positions: list[int] = []
        self._covered_after: int | None = None  # every event after this position is in the window
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._taken: dict[object, int] = {}
        """Each follower's position: it is done with the events up to there."""

    @property
    def held(self) -> int:
        """How many events the window holds."""
        return len(self._events)

    async def head_position(self) -> int:
        return await self.store.head_position()

    async def _start(self) -> None:
        if self._reader is None:
            head = await self.store.head_position()
            if self._reader is None:
                self._covered_after = head
                self._reader = asyncio.create_task(self._read(head), name="log-feed")

    async def _read(self, after: int) -> None:
        async for record in self.store.subscribe(after, batch_size=1000):
            self._events.append(record)
            self._positions.append(record.position)
            if len(self._events) > self.window:
                cut = len(self._events) - self.window
                self._covered_after = self._positions[cut - 1]
                del self._events[:cut]
                del self._positions[:cut]
            # Waiters run once the reader awaits the store again: one wake-up per read.
            self._changed.set()

    async def batches(
        self, after_position: int = 0, max_batch: int = 500
    ) -> AsyncIterator[list[RecordedEvent]]:
        """Every event after ``after_position``, in order, as many at once as are ready."""
        await self._start()
        position = after_position
        follower = object()
        try:
            while True:
                self._taken[follower] = position  # asked for more: done with what came before
                self._forget_taken()
                covered = self._covered_after
                assert covered is not None
                if position < covered:
                    history = await self.store.read_all(position, max_batch)
                    if history:
                        position = history[-1].position
                        yield history
                        continue
                while not (self._positions and self._positions[-1] > position):
                    self._changed.clear()
                    await self._changed.wait()
                start = bisect.bisect_right(self._positions, position)
                ready = self._events[start : start + max_batch]
                position = ready[-1].position
                yield ready
        finally:
            self._taken.pop(follower, None)

    def _forget_taken(self) -> None:
        """Drop the events every follower is done with (a new one reads them from the store)."""
        if not self._positions or not self._taken:
            return
        cut = bisect.bisect_right(self._positions, min(self._taken.values()))
        if cut:
            self._covered_after = self._positions[cut - 1]
            del self._events[:cut]
            del self._positions[:cut]

    async def stop(self) -> None:
        """Stop the shared reader; the store stays open."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
