"""Follow a store's global log in batches: catch-up history, then live, no gap, no repeat."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from shared.eventstore.port import EventStore, RecordedEvent

BatchHandler = Callable[[list[RecordedEvent]], Awaitable[None]]


async def follow(
    store: EventStore,
    after_position: int,
    handle_batch: BatchHandler,
    *,
    max_batch: int = 500,
) -> None:
    """Hand every event after ``after_position`` to ``handle_batch``, as many at once as are ready.

    Runs until cancelled. Batches let a consumer commit many effects in one transaction
    when it is behind, and one at a time when it is live.
    """
    queue: asyncio.Queue[RecordedEvent] = asyncio.Queue(maxsize=max_batch * 2)

    async def read() -> None:
        async for record in store.subscribe(after_position, batch_size=max_batch):
            await queue.put(record)

    reader = asyncio.create_task(read(), name="follow-reader")
    getter: asyncio.Future[RecordedEvent] | None = None
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                reader.result()  # re-raises the reader's failure
                return
            batch = [getter.result()]
            while len(batch) < max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            await handle_batch(batch)
    finally:
        if getter is not None:
            getter.cancel()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
