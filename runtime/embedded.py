"""Composition root of the embedded mode: one process, a SQLite store per service,
in-process catch-up subscriptions between services, read models beside each store."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from fastapi import FastAPI

from runtime.ops.api import ops_router
from runtime.ops.deployment import Deployment
from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher
from shared.messaging.hub import LogFeed
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.idempotency import IdempotencyStore
from shared.service.rebuild_on_start import rebuild_if_version_changed
from shared.service.tasks import cancel_all
from shared.service.wiring import dispatchers

log = structlog.get_logger(__name__)


@dataclass
class RunningService:
    context: ServiceContext
    parts: ServiceParts
    dead_letters: DeadLetters
    dispatchers: list[Dispatcher] = field(default_factory=list)


class EmbeddedSystem:
    """Opens every service on its own SQLite file under ``data_dir`` (or, given
    ``database_url``, its own schema of that PostgreSQL database) and runs their dispatchers."""

    def __init__(
        self,
        data_dir: Path,
        definitions: Sequence[ServiceDefinition],
        *,
        database_url: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.definitions = definitions
        self.database_url = database_url
        self.services: dict[str, RunningService] = {}
        self.feeds: dict[str, LogFeed] = {}
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for definition in self.definitions:
            store = await self._open_store(definition.name)
            idempotency = IdempotencyStore(store.engine)
            await idempotency.create_tables()
            context = ServiceContext(
                name=definition.name, store=store, engine=store.engine, idempotency=idempotency
            )
            await CheckpointStore(store.engine).create_tables()
            dead_letters = DeadLetters(store.engine)
            await dead_letters.create_tables()
            parts = definition.build(context)
            for projection in parts.projections:
                await projection.create_tables(store.engine)
            self.services[definition.name] = RunningService(context, parts, dead_letters)
        for running in self.services.values():
            for projection in running.parts.projections:
                await rebuild_if_version_changed(projection, self.stores, running.context.engine)
        for running in self.services.values():
            self._wire(running)
        for name, running in self.services.items():
            for dispatcher in running.dispatchers:
                self._spawn(dispatcher.run, f"{name}<{dispatcher.source}")
        log.info("embedded system started", data_dir=str(self.data_dir))

    async def _open_store(self, service: str) -> SqliteEventStore | PostgresEventStore:
        if self.database_url:
            return await PostgresEventStore.open(self.database_url, schema=f"embedded_{service}")
        return await SqliteEventStore.open(self.data_dir / f"{service}.db")

    def feed(self, name: str) -> LogFeed:
        """The one feed of a service's log in this process."""
        if name not in self.feeds:
            self.feeds[name] = LogFeed(self.services[name].context.store)
        return self.feeds[name]

    def _wire(self, running: RunningService) -> None:
        made = dispatchers(running.parts, running.context, running.dead_letters, self.feed)
        running.dispatchers.extend(made)

    def dispatcher(self, service: str, source: str) -> Dispatcher:
        """The dispatcher of ``service`` that follows ``source``."""
        [found] = [d for d in self.services[service].dispatchers if d.source == source]
        return found

    async def caught_up(self, timeout: float = 30.0) -> bool:
        """Wait until every dispatcher has handled its source's log up to the head."""
        heads = {name: await s.context.store.head_position() for name, s in self.services.items()}
        for running in self.services.values():
            for dispatcher in running.dispatchers:
                await dispatcher.loaded.wait()
                for handler in dispatcher.positions:
                    if not await dispatcher.wait_for(handler, heads[dispatcher.source], timeout):
                        return False
        return True

    def _spawn(self, work: Callable[[], Awaitable[None]], name: str) -> None:
        async def supervised() -> None:
            # A consumer that fails outside its handler (a locked database, a lost connection)
            # restarts from its checkpoint; redelivery is harmless, stopping for good is not.
            delay = 0.1
            while True:
                try:
                    await work()
                    return
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("consumer failed; restarting", consumer=name, delay=delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)

        self._tasks.append(asyncio.create_task(supervised(), name=name))

    def deployment(self) -> Deployment:
        """The running stores and parts, as the operators' commands see a deployment."""
        return Deployment(
            stores=self.stores,
            engines={name: s.context.engine for name, s in self.services.items()},
            parts={name: s.parts for name, s in self.services.items()},
        )

    @property
    def stores(self) -> dict[str, EventStore]:
        return {name: running.context.store for name, running in self.services.items()}

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        self._tasks.clear()
        for feed in self.feeds.values():
            await feed.stop()
        self.feeds.clear()
        for running in self.services.values():
            await running.context.store.close()
        self.services.clear()


@contextlib.asynccontextmanager
async def running_system(
    data_dir: Path, definitions: Sequence[ServiceDefinition], *, database_url: str | None = None
) -> AsyncIterator[EmbeddedSystem]:
    system = EmbeddedSystem(data_dir, definitions, database_url=database_url)
    await system.start()
    try:
        yield system
    finally:
        await system.stop()


def mount_routes(app: FastAPI, system: EmbeddedSystem) -> None:
    for running in system.services.values():
        if running.parts.router is not None:
            app.include_router(running.parts.router)
    app.include_router(ops_router(system.deployment))
