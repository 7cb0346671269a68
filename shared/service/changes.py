"""Which rows of which read model just changed: lets a reader wait for *its* row, not poll.

A projection's handler announces, after its transaction commits, the keys (order ids) its batch
touched; a long-polling GET watches the one key it serves and is woken only when that key
changes. Watch *before* reading, so a change committed in between is not missed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Iterable, Iterator

from shared.sql import Transaction
from shared.sql.callers import CALLERS


class Changes:
    """Announcements of changed keys per read model, and watches on one key (in this process:
    see :class:`shared.service.notified_changes.NotifiedChanges` for several)."""

    def __init__(self) -> None:
        self._watching: dict[tuple[str, str], set[asyncio.Event]] = {}

    async def stage(self, tx: Transaction, view: str, keys: Collection[str]) -> None:
        """Announce ``keys`` of ``view`` once ``tx`` commits (never if it rolls back)."""
        tx.on_commit(lambda: self.announce(view, keys))

    def announce(self, view: str, keys: Iterable[str]) -> None:
        for key in keys:
            for event in self._watching.get((view, key), ()):
                event.set()

    @contextlib.contextmanager
    def watch(self, view: str, key: str) -> Iterator[asyncio.Event]:
        """An event set by the next change of ``key`` in ``view`` (clear it to watch again)."""
        event = asyncio.Event()
        watching = self._watching.setdefault((view, key), set())
        watching.add(event)
        try:
            yield event
        finally:
            watching.discard(event)
            if not watching:
                self._watching.pop((view, key), None)


async def changed(event: asyncio.Event, timeout: float) -> bool:
    """Wait for a watched change; False when ``timeout`` seconds pass first."""
    if timeout <= 0:
        return event.is_set()
    try:
        with CALLERS.aside():  # the change comes from background work: let it run
            async with asyncio.timeout(timeout):
                await event.wait()
    except TimeoutError:
        return False
    return True
