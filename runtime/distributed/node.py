"""Composition root of one service process in distributed mode: its PostgreSQL database, its
outbox relay, and its policies and projections fed by the other services' Kafka topics.

A process runs some or all of the roles: ``api`` (commands and queries), ``relay`` (the outbox
relay, and the projections and policies of the service's own events, which follow its store
directly as in embedded mode) and ``worker`` (one member of the service's consumer group on
each other service's topic; a member holds some partitions, each a lane with its own
checkpoints). ``make up`` runs all three in one process, plus ``WORKERS - 1`` workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import zlib
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, cast

import structlog
from aiokafka import AIOKafkaProducer

from runtime.distributed.databases import service_database_url
from runtime.distributed.positions import StoredPositions
from runtime.distributed.settings import NodeSettings
from shared.eventstore.factory import open_event_store
from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dispatcher import Dispatcher, Handler
from shared.messaging.hub import LogFeed
from shared.messaging.kafka.admin import ensure_topics
from shared.messaging.kafka.dead_letters import KafkaDeadLetters
from shared.messaging.kafka.faust_member import FaustMember
from shared.messaging.kafka.lanes import Lanes
from shared.messaging.kafka.producer import idempotent_producer
from shared.messaging.kafka.relay import OutboxRelay
from shared.messaging.kafka.topics import dead_letters_topic, events_topic
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.idempotency import IdempotencyStore
from shared.service.notified_changes import NotifiedChanges, changes_channel
from shared.service.policy import policy_handler
from shared.service.projection import ProjectionHandler
from shared.service.tasks import cancel_all
from shared.sql import Database
from shared.sql.postgres import LOCK_NAMESPACE, PostgresDatabase

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
        self.members: dict[str, FaustMember] = {}
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
            # No event log here to key the writers' turns on: a key of this database's own.
            await engine.serialize_writers(LOCK_NAMESPACE << 32 | zlib.crc32(url.encode()) >> 1)
        else:
            postgres = await PostgresEventStore.open(url, poll_interval=settings.poll_interval)
            store, engine = postgres, postgres.engine
        self._store = store
        self._local = LogFeed(store)
        idempotency = IdempotencyStore(engine)
        await idempotency.create_tables()
        await CheckpointStore(engine).create_tables()
        # Its read models' rows are written by whichever process holds a partition; a reader
        # waiting here is woken by any of them.
        changes = NotifiedChanges(changes_channel(url))
        assert isinstance(engine, PostgresDatabase)
        await changes.listen(engine)
        self._context = ServiceContext(
            name=self.name, store=store, engine=engine, idempotency=idempotency, changes=changes
        )
        self._parts = self.definition.build(self._context)
        for projection in self._parts.projections:
            await projection.create_tables(engine)
        self._handlers = handlers_by_source(self._parts, self._context)
        own = self._handlers.get(self.name, [])
        if own and "relay" not in self.roles:
            # Another process runs them: its stored checkpoints answer read-your-writes here.
            names = [handler.name for handler in own]
            stored = StoredPositions(self.name, engine, names)
            self._context.positions.add(cast(Dispatcher, stored))
        if "worker" in self.roles or "relay" in self.roles:
            await self._start_messaging(engine)
        log.info("service started", service=self.name, roles=sorted(self.roles))

    async def _start_messaging(self, engine: Database) -> None:
        settings = self.settings
        security = settings.kafka_security()
        self._producer = idempotent_producer(
            settings.kafka_bootstrap_servers, f"{self.name}-dlq", security=security
        )
        await self._producer.start()
        ns = settings.kafka_namespace
        self.dead_letters = KafkaDeadLetters(engine, self.name, self._producer, ns)
        await self.dead_letters.create_tables()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            self._topics(),
            partitions=settings.kafka_partitions,
            replication_factor=settings.kafka_replication_factor,
            security=security,
        )
        if "relay" in self.roles:
            self.relay = OutboxRelay(
                self.name,
                self._local,
                CheckpointStore(engine),
                partial(
                    idempotent_producer,
                    settings.kafka_bootstrap_servers,
                    f"{self.name}-relay",
                    security=security,
                ),
                namespace=ns,
            )
            self._spawn(self.relay.run, "relay")
            own = self._handlers.get(self.name)
            if own:
                dispatcher = self._dispatcher(self.name, own, self._local)
                self._context.positions.add(dispatcher)
                self._spawn(dispatcher.run, f"{self.name}<{self.name}")
        if "worker" in self.roles:
            for source, handlers in sorted(self._handlers.items()):
                if source != self.name:
                    self._join(source, handlers)

    def _dispatcher(
        self, source: str, handlers: list[Handler], feed: LogFeed | None = None
    ) -> Dispatcher:
        made = Dispatcher(
            source,
            feed,
            self._context.engine,
            handlers,
            dead_letters=self.dead_letters,
            guarded=True,  # another process may follow the same source for a while
        )
        if feed is not None:  # lanes come and go with the partitions held
            self.dispatchers.append(made)
        return made

    def _join(self, source: str, handlers: list[Handler]) -> None:
        """Become a member of this service's consumer group on ``source``'s topic."""
        lanes = Lanes(
            source,
            lambda lane: self._dispatcher(lane, handlers),
            self.dead_letters.poison,
        )
        settings = self.settings
        topic = events_topic(source, settings.kafka_namespace)
        member = FaustMember(
            settings.kafka_namespace + group_id(self.name, source),
            settings.kafka_bootstrap_servers,
            topic,
            lanes,
            session_timeout_s=settings.kafka_session_timeout_ms / 1000,
            heartbeat_interval_s=settings.kafka_heartbeat_interval_ms / 1000,
            max_poll_interval_s=settings.kafka_max_poll_interval_ms / 1000,
            within_s=settings.kafka_batch_within_ms / 1000,
            security=settings.kafka_security(),
        )
        self.members[source] = member
        self._spawn(member.run, f"{self.name}<{source}")

    def _sources(self) -> set[str]:
        """The sources the service's projections and policies follow."""
        return set(self._handlers)

    def _topics(self) -> list[str]:
        sources = self._sources() | {self.name}
        ns = self.settings.kafka_namespace
        return [events_topic(s, ns) for s in sources] + [dead_letters_topic(self.name, ns)]

    def _spawn(self, work: Callable[[], Awaitable[None]], name: str) -> None:
        async def guarded() -> None:
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception:
                # A consumer that stopped would silently hold back its partitions: stop the
                # process so that its supervisor restarts it from the durable checkpoints.
                log.exception("background task failed; stopping the service", task=name)
                os.kill(os.getpid(), signal.SIGTERM)

        self._tasks.append(asyncio.create_task(guarded(), name=name))

    def progress(self) -> dict[str, Any]:
        """Each consumer-group membership: partitions held, positions, the offsets whose effects
        are stored and those committed to Kafka, messages received, applied, skipped."""
        return {
            source: {
                "partitions": member.lanes.positions(),
                "stored_offsets": dict(sorted(member.stored.items())),
                "committed_offsets": dict(sorted(member.committed.items())),
                **member.fetching(),
                "received": member.lanes.received,
                "applied": member.lanes.applied,
                "skipped": member.lanes.skipped,
            }
            for source, member in sorted(self.members.items())
        }

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


def handlers_by_source(parts: ServiceParts, context: ServiceContext) -> dict[str, list[Handler]]:
    """The service's projections and policies by the source they follow (as
    ``shared.service.wiring`` groups them for the embedded mode)."""
    found: dict[str, list[Handler]] = defaultdict(list)
    for projection in parts.projections:
        for source in projection.sources:
            found[source].append(ProjectionHandler(projection, context.changes))
    for policy in parts.policies:
        found[policy.source].append(policy_handler(policy))
    return dict(found)


def group_id(service: str, source: str) -> str:
    """The consumer group of ``service`` reading ``source``'s topic."""
    return f"{service}<{source}"
