"""An in-process consumer: one named reaction following one source store, with retries,
dead letters and a durable checkpoint saved after each batch's effects are stored."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

import structlog

from shared.eventstore.port import EventStore, RecordedEvent
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.follower import follow

log = structlog.get_logger(__name__)

LAZY_CHECKPOINT_EVERY = 1000
"""Events skipped (not relevant to a consumer) before their position is saved anyway."""

EventHandler = Callable[[RecordedEvent], Awaitable[None]]


class Unprocessable(Exception):
    """The event can never be handled (it does not parse); dead-letter it without retrying."""


@dataclass(frozen=True)
class Source:
    """A service's event store seen as a feed by other services' consumers."""

    name: str
    store: EventStore


class Consumer:
    """Delivers each relevant event of ``source`` to ``handler`` at least once.

    The handler must be idempotent (policies append with deterministic event ids), so a
    crash between the effect and the checkpoint only causes a harmless redelivery.
    """

    def __init__(
        self,
        name: str,
        source: Source,
        handler: EventHandler,
        *,
        checkpoints: CheckpointStore,
        dead_letters: DeadLetters,
        event_types: Collection[str] | None = None,
        attempts: int = 3,
        retry_delay: float = 0.05,
    ) -> None:
        self.name = name
        self.source = source
        self.handler = handler
        self.checkpoints = checkpoints
        self.dead_letters = dead_letters
        self.event_types = frozenset(event_types) if event_types is not None else None
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.position = 0
        self._unsaved = 0

    async def run(self) -> None:
        self.position = await self.checkpoints.load(self.name, self.source.name)
        await follow(self.source.store, self.position, self._handle_batch)

    async def _handle_batch(self, batch: list[RecordedEvent]) -> None:
        handled = False
        for record in batch:
            if self.event_types is None or record.event_type in self.event_types:
                await self._deliver(record)
                handled = True
        self.position = batch[-1].position
        self._unsaved += len(batch)
        # Skipping irrelevant events costs nothing to repeat, so their position is saved lazily.
        if handled or self._unsaved >= LAZY_CHECKPOINT_EVERY:
            await self.checkpoints.save(self.name, self.source.name, self.position)
            self._unsaved = 0

    async def _deliver(self, record: RecordedEvent) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                await self.handler(record)
                return
            except Unprocessable as error:
                await self._dead_letter(record, error, attempt)
                return
            except Exception as error:
                if attempt == self.attempts:
                    await self._dead_letter(record, error, attempt)
                    return
                await asyncio.sleep(self.retry_delay * 2 ** (attempt - 1))

    async def _dead_letter(self, record: RecordedEvent, error: Exception, attempts: int) -> None:
        log.warning(
            "event dead-lettered",
            consumer=self.name,
            source=self.source.name,
            position=record.position,
            event_type=record.event_type,
            error=repr(error),
        )
        await self.dead_letters.add(
            self.name, self.source.name, record, f"{type(error).__name__}: {error}", attempts
        )
