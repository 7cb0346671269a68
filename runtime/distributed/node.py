"""Composition root of one service process in distributed mode: its PostgreSQL database, its
outbox relay, and its policies and projections fed by the other services' Kafka topics.

Subscriptions to the service's own events follow its store directly (as in embedded mode);
subscriptions to another service's events follow that service's topic through a KafkaFeed.
A process runs some or all of the roles: ``api`` (commands and queries), ``worker`` (policies and
projections) and ``relay`` (the outbox relay); ``make up`` runs all three in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable
from functools import partial

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from runtime.distributed.databases import service_database_url
from runtime.distributed.settings import NodeSettings
from shared.eventstore.factory import open_event_store
from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dispatcher import Dispatcher, Feed
from shared.messaging.hub import LogFeed
from shared.messaging.kafka.admin import ensure_topics
from shared.messaging.kafka.dead_letters import KafkaDeadLetters
from shared.messaging.kafka.feed import KafkaFeed
from shared.messaging.kafka.producer import idempotent_producer
from shared.messaging.kafka.relay import OutboxRelay
from shared.messaging.kafka.topics import dead_letters_topic, events_topic
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.idempotency import IdempotencyStore
from shared.service.tasks import cancel_all
from shared.service.wiring import dispatchers
from shared.sql import Database
from shared.sql.postgres import PostgresDatabase

log = structlog.get_logger(__name__)

ROLES = frozenset({"api", "worker", "relay"})


class ServiceNode:
    """One service, started and stopped as a unit (``runtime.distributed.app`` mounts its API)."""

    def __init__(
        self,
        settings: NodeSettings,
        definition: ServiceDefinition,
        roles: frozenset[str] = ROLES,
    ) -> None:
        unknown = roles - ROLES
        if unknown or not roles:
            raise ValueError(f"roles must be some of {sorted(ROLES)}, not {sorted(roles)}")
        self.settings = settings
        self.roles = roles
        self.relay: OutboxRelay | None = None
        self.definition = definition
        self.name = definition.name
        self.feeds: dict[str, KafkaFeed] = {}
        self.dispatchers: list[Dispatcher] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._producer: AIOKafkaProducer | None = None
        self._store: EventStore | None = None
        self._own_engine: Database | None = None

    @property
    def context(self) -> ServiceContext:
        return self._context

    @property
    def parts(self) -> ServiceParts:
        return self._parts

    async def start(self) -> None:
        settings = self.settings
        url = await service_database_url(settings.database_url, settings.database_prefix, self.name)
        store: EventStore
        engine: Database
        if settings.event_store_url:
            # Events elsewhere (KurrentDB); read models, checkpoints and the rest in PostgreSQL.
            store = await open_event_store(settings.event_store_url)
            engine = self._own_engine = await PostgresDatabase.open(url)
        else:
            postgres = await PostgresEventStore.open(url, poll_interval=settings.poll_interval)
            store, engine = postgres, postgres.engine
        self._store = store
        self._local = LogFeed(store)
        idempotency = IdempotencyStore(engine)
        await idempotency.create_tables()
        await CheckpointStore(engine).create_tables()
        self._context = ServiceContext(
            name=self.name, store=store, engine=engine, idempotency=idempotency
        )
        self._parts = self.definition.build(self._context)
        for projection in self._parts.projections:
            await projection.create_tables(engine)
        if "worker" in self.roles or "relay" in self.roles:
            await self._start_messaging(engine)
        log.info("service started", service=self.name, roles=sorted(self.roles))

    async def _start_messaging(self, engine: Database) -> None:
        settings = self.settings
        self._producer = idempotent_producer(settings.kafka_bootstrap_servers, f"{self.name}-dlq")
        await self._producer.start()
        ns = settings.kafka_namespace
        self.dead_letters = KafkaDeadLetters(engine, self.name, self._producer, ns)
        await self.dead_letters.create_tables()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            self._topics(),
            replication_factor=settings.kafka_replication_factor,
        )
        if "relay" in self.roles:
            self.relay = OutboxRelay(
                self.name,
                self._local,
                CheckpointStore(engine),
                partial(
                    idempotent_producer, settings.kafka_bootstrap_servers, f"{self.name}-relay"
                ),
                namespace=ns,
            )
            self._spawn(self.relay.run, "relay")
        if "worker" in self.roles:
            self.dispatchers = dispatchers(
                self._parts, self._context, self.dead_letters, self._feed
            )
            for feed in self.feeds.values():
                self._spawn(feed.run, f"feed:{feed.source}")
            for dispatcher in self.dispatchers:
                self._spawn(dispatcher.run, f"{self.name}<{dispatcher.source}")

    def _sources(self) -> set[str]:
        """The sources the service's projections and policies follow."""
        found = {policy.source for policy in self._parts.policies}
        return found | {s for projection in self._parts.projections for s in projection.sources}

    def _topics(self) -> list[str]:
        sources = self._sources() | {self.name}
        ns = self.settings.kafka_namespace
        return [events_topic(s, ns) for s in sources] + [dead_letters_topic(self.name, ns)]

    def _feed(self, source: str) -> Feed:
        """The service's own log directly; another service's through its topic."""
        if source == self.name:
            return self._local
        feed = self.feeds[source] = KafkaFeed(
            source,
            partial(self._kafka_consumer, source),
            subscribers=1,
            checkpoint_floor=partial(self._floor, source),
            on_poison=self.dead_letters.poison,
            namespace=self.settings.kafka_namespace,
        )
        return feed

    def _kafka_consumer(self, source: str) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.settings.kafka_namespace + group_id(self.name, source),
            client_id=f"{self.name}<{source}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=100,
        )

    def _floor(self, source: str) -> int:
        """How far the dispatcher of ``source`` is done: its effects stored, or nothing to do.

        A handler's position moves only after its effects commit; irrelevant events move it
        without a checkpoint write (replaying them is free), so it may run ahead of the table.
        """
        return min((d.position for d in self.dispatchers if d.source == source), default=0)

    def _spawn(self, work: Callable[[], Awaitable[None]], name: str) -> None:
        async def guarded() -> None:
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception:
                # A consumer that stopped would silently hold back its feed: stop the process so
                # that its supervisor restarts it from the durable checkpoints.
                log.exception("background task failed; stopping the service", task=name)
                os.kill(os.getpid(), signal.SIGTERM)

        self._tasks.append(asyncio.create_task(guarded(), name=name))

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        self._tasks.clear()
        if self._producer is not None:
            with contextlib.suppress(Exception):
                await self._producer.stop()
        if self._store is not None:
            await self._local.stop()
            await self._store.close()
        if self._own_engine is not None:
            await self._own_engine.close()


def group_id(service: str, source: str) -> str:
    """The consumer group of ``service`` reading ``source``'s topic."""
    return f"{service}<{source}"
