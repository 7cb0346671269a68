"""On start: a projection whose code version changed is rebuilt beside its tables and swapped."""

from __future__ import annotations

from collections.abc import Mapping

import structlog
from sqlalchemy import delete, select

from shared.eventstore.port import EventStore
from shared.messaging.checkpoints import checkpoints
from shared.service.projection import Projection
from shared.service.rebuild import Progress, Rebuild, RebuildReport
from shared.sql import Database

log = structlog.get_logger(__name__)


async def built_versions(projection: Projection, engine: Database) -> set[int]:
    """The code versions whose checkpoints this projection's live tables carry."""
    prefix = f"projection:{projection.name}:v"
    async with engine.connect() as conn:
        names = (
            await conn.execute(
                select(checkpoints.c.consumer).where(checkpoints.c.consumer.startswith(prefix))
            )
        ).scalars()
        return {int(name[len(prefix) :]) for name in names if name[len(prefix) :].isdigit()}


async def rebuild_if_version_changed(
    projection: Projection,
    sources: Mapping[str, EventStore],
    engine: Database,
    *,
    progress: Progress | None = None,
) -> RebuildReport | None:
    """On start: tables built by another code version are rebuilt and swapped; else None."""
    versions = await built_versions(projection, engine)
    if not versions or projection.version in versions:
        return None
    log.info(
        "projection code version changed: rebuilding",
        projection=projection.name,
        built=sorted(versions),
        version=projection.version,
    )
    report = await Rebuild(projection, sources, engine, progress=progress).run(verify=False)
    async with engine.begin() as conn:
        prefix = f"projection:{projection.name}:v"
        stale = [f"{prefix}{version}" for version in versions]
        await conn.execute(delete(checkpoints).where(checkpoints.c.consumer.in_(stale)))
    return report
