"""A handler that takes one event at a time, retrying a failure before dead-lettering it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence

from shared.events.envelope import Envelope
from shared.messaging.decoding import Unprocessable
from shared.messaging.dispatcher import Failed, Handler, Item
from shared.sql import Transaction

ItemHandler = Callable[[Item], Awaitable[None]]
Ready = Callable[[Sequence[Envelope]], Awaitable[None]]


class PerEvent(Handler):
    """Calls ``handle`` for each relevant event, each in a savepoint of the dispatcher's unit.

    A failure is retried at once (``attempts`` in all: a conflict with another process clears
    on a retry; nothing may sleep inside the unit), then dead-lettered; the batch goes on.
    """

    def __init__(
        self,
        name: str,
        handle: ItemHandler,
        *,
        event_types: Collection[str] | None,
        attempts: int = 3,
        decodes: bool = True,
        ready: Ready | None = None,
    ) -> None:
        self.name = name
        self.handle = handle
        self.event_types = frozenset(event_types) if event_types is not None else None
        self.attempts = attempts
        self.decodes = decodes
        self._ready = ready

    async def ready(self, envelopes: Sequence[Envelope]) -> None:
        if self._ready is not None:
            await self._ready(envelopes)

    async def apply(
        self, tx: Transaction, items: Sequence[Item], failed: Failed, *, careful: bool
    ) -> None:
        if not careful:
            for item in items:
                await self.handle(item)
            return
        for item in items:
            for attempt in range(1, self.attempts + 1):
                try:
                    async with tx.savepoint():
                        await self.handle(item)
                    break
                except Unprocessable as error:
                    await failed(item, error, attempt)
                    break
                except Exception as error:
                    if attempt == self.attempts:
                        await failed(item, error, attempt)
