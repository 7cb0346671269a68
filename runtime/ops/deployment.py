"""Opens a deployment's stores for operators: SQLite files in a data dir, or PostgreSQL schemas.

Each service's parts (projections, policies) are built on the opened adapters, so an operator's
command works on the same read models and reactions the running system uses.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from runtime.services import ALL_SERVICES
from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.idempotency import IdempotencyStore
from shared.service.projection import Projection
from shared.sql import Database


class DeploymentNotFound(Exception):
    """Nothing to operate on where the operator pointed."""


@dataclass
class Deployment:
    """The opened stores and engines of every service, and the parts built on them."""

    stores: dict[str, EventStore] = field(default_factory=dict)
    engines: dict[str, Database] = field(default_factory=dict)
    parts: dict[str, ServiceParts] = field(default_factory=dict)

    def projections(self) -> list[tuple[str, Projection]]:
        """Every projection as (service, projection), in service order."""
        return [(name, p) for name, parts in self.parts.items() for p in parts.projections]

    def projection(self, wanted: str) -> tuple[str, Projection]:
        """By ``name`` or ``service:name``; the error lists the names there are."""
        found = [
            (service, p)
            for service, p in self.projections()
            if wanted in (p.name, f"{service}:{p.name}")
        ]
        if len(found) == 1:
            return found[0]
        names = ", ".join(f"{s}:{p.name}" for s, p in self.projections())
        problem = "is ambiguous" if found else "does not exist"
        raise KeyError(f"projection {wanted!r} {problem}; use one of: {names}")


def service_database(server_url: str, prefix: str, service: str) -> URL:
    """Distributed mode keeps each service in database ``<prefix>_<service>`` on one server."""
    name = f"{prefix}_{service}".replace("-", "_")
    return make_url(server_url).set(drivername="postgresql+asyncpg", database=name)


async def _open_store(
    service: str, data_dir: Path | None, database_url: str | None, prefix: str
) -> tuple[EventStore, Database]:
    if database_url:
        url = service_database(database_url, prefix, service)
        try:
            pg = await PostgresEventStore.open(url)
        except OSError as error:
            raise DeploymentNotFound(f"cannot reach {url.render_as_string()}: {error}") from error
        except Exception as error:
            if "does not exist" not in str(error):
                raise
            raise DeploymentNotFound(
                f"no database {url.database}: is --database-prefix ({prefix}) the one the "
                "services run with (B2B_DATABASE_PREFIX)?"
            ) from error
        return pg, pg.engine
    assert data_dir is not None
    path = data_dir / f"{service}.db"
    if not path.exists():
        raise DeploymentNotFound(
            f"no {path.name} in {data_dir}: point --data-dir at the directory `b2b run` uses "
            "(default ./var), or use --database-url for a distributed deployment"
        )
    sqlite = await SqliteEventStore.open(path)
    return sqlite, sqlite.engine


@contextlib.asynccontextmanager
async def open_deployment(
    *,
    data_dir: Path | None = None,
    database_url: str | None = None,
    database_prefix: str = "b2b",
    definitions: Sequence[ServiceDefinition] = ALL_SERVICES,
) -> AsyncIterator[Deployment]:
    """Open every service's store (embedded: ``<data_dir>/<service>.db``; distributed: database
    ``<prefix>_<service>`` on the PostgreSQL server) and build its parts; close them on exit."""
    if not data_dir and not database_url:
        raise DeploymentNotFound("give --data-dir (embedded) or --database-url (distributed)")
    deployment = Deployment()
    try:
        for definition in definitions:
            store, engine = await _open_store(
                definition.name, data_dir, database_url, database_prefix
            )
            deployment.stores[definition.name] = store
            deployment.engines[definition.name] = engine
            await CheckpointStore(engine).create_tables()
            await DeadLetters(engine).create_tables()
            idempotency = IdempotencyStore(engine)
            context = ServiceContext(definition.name, store, engine, idempotency)
            parts = definition.build(context)
            for projection in parts.projections:
                await projection.create_tables(engine)
            deployment.parts[definition.name] = parts
        yield deployment
    finally:
        for store in deployment.stores.values():
            await store.close()
