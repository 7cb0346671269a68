"""Read-your-writes in a process that does not run the dispatcher of its service's own events
(``b2b serve``, ``b2b worker``): a wait reads the stored checkpoints, and only while it waits."""

from __future__ import annotations

import asyncio

from shared.messaging.checkpoints import CheckpointStore
from shared.sql import Database
from shared.sql.callers import CALLERS

FIRST_DELAY = 0.01
LONGEST_DELAY = 0.1


class StoredPositions:
    """What :class:`shared.service.definition.ProjectionPositions` asks of a dispatcher,
    answered from the checkpoints another process stores for ``source``."""

    def __init__(self, source: str, database: Database, handlers: list[str]) -> None:
        self.source = source
        self.database = database
        self.positions: dict[str, int] = dict.fromkeys(handlers, 0)

    async def _refresh(self) -> None:
        async with self.database.connect() as conn:
            stored = await CheckpointStore.load_source_in(conn, self.source)
        for name in self.positions:
            self.positions[name] = max(self.positions[name], stored.get(name, 0))

    async def wait_for(self, handler: str, position: int, timeout: float) -> bool:
        """Wait until ``handler``'s stored checkpoint reaches ``position``; False on timeout."""
        delay = FIRST_DELAY
        try:
            with CALLERS.aside():  # a request waiting here must not hold back the workers
                async with asyncio.timeout(timeout):
                    while True:
                        if self.positions[handler] >= position:
                            return True
                        await self._refresh()
                        if self.positions[handler] >= position:
                            return True
                        await asyncio.sleep(delay)
                        delay = min(delay * 2, LONGEST_DELAY)
        except TimeoutError:
            return False
