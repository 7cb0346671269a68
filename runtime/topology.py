"""The services' parts, declared on throwaway adapters (nothing opens: ``build`` does no I/O),
for tools that read the declarations: ``b2b topology``, docs/topology.md and its test."""

from __future__ import annotations

import tempfile
from pathlib import Path

from runtime.services import ALL_SERVICES
from shared.eventstore.memory import InMemoryEventStore
from shared.service.definition import ServiceContext, ServiceParts
from shared.service.idempotency import IdempotencyStore
from shared.sql.sqlite import SqliteDatabase


def declared_parts() -> dict[str, ServiceParts]:
    with tempfile.TemporaryDirectory(prefix="b2b-topology-") as directory:
        parts = {}
        for definition in ALL_SERVICES:
            engine = SqliteDatabase(Path(directory) / f"{definition.name}.db")  # never opened
            context = ServiceContext(
                definition.name, InMemoryEventStore(), engine, IdempotencyStore(engine)
            )
            parts[definition.name] = definition.build(context)
        return parts
