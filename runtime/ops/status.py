"""Each projection's code version, built versions, position per source and lag behind its heads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from runtime.ops.deployment import Deployment
from shared.eventstore.port import EventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.service.policy import event_names
from shared.service.rebuild_on_start import built_versions


@dataclass(frozen=True)
class ProjectionStatus:
    service: str
    name: str
    version: int
    built_versions: list[int]
    positions: dict[str, int]
    heads: dict[str, int]
    lag: int
    dead_letters: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def pending(store: EventStore, after: int, types: frozenset[str], cap: int) -> int:
    """Relevant events after a checkpoint (positions of skipped events are saved lazily)."""
    count, position = 0, after
    while count < cap and (batch := await store.read_all(position, 1000)):
        count += sum(1 for record in batch if record.event_type in types)
        position = batch[-1].position
    return min(count, cap)


async def projection_status(deployment: Deployment, cap: int = 10_000) -> list[ProjectionStatus]:
    """One row per projection; ``lag`` counts the relevant events its rows do not hold yet
    (at most ``cap`` per source)."""
    heads = {name: await store.head_position() for name, store in deployment.stores.items()}
    letters = {
        name: await DeadLetters(engine).list() for name, engine in deployment.engines.items()
    }
    found: list[ProjectionStatus] = []
    for service, projection in deployment.projections():
        engine = deployment.engines[service]
        checkpoints = CheckpointStore(engine)
        positions = {
            source: await checkpoints.load(projection.consumer_name, source)
            for source in projection.sources
        }
        own_heads = {source: heads[source] for source in projection.sources}
        types = event_names(projection.event_types)
        found.append(
            ProjectionStatus(
                service=service,
                name=projection.name,
                version=projection.version,
                built_versions=sorted(await built_versions(projection, engine)),
                positions=positions,
                heads=own_heads,
                lag=sum(
                    [
                        await pending(deployment.stores[s], positions[s], types, cap)
                        for s in positions
                    ]
                ),
                dead_letters=sum(
                    1 for d in letters[service] if d.consumer == projection.consumer_name
                ),
            )
        )
    return found
