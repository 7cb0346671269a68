"""``b2b replay``: rebuild one projection (or all) beside the live ones, verify, swap."""

from __future__ import annotations

from runtime.heap import collecting_rarely
from runtime.ops.deployment import Deployment
from shared.service.rebuild import Progress, Rebuild, RebuildReport, rebuild_together


async def replay(
    deployment: Deployment, name: str, *, progress: Progress | None = None, verify: bool = True
) -> RebuildReport:
    """Rebuild ``name`` (``projection`` or ``service:projection``) from position 0 and swap."""
    service, projection = deployment.projection(name)
    rebuild = Rebuild(projection, deployment.stores, deployment.engines[service], progress=progress)
    with collecting_rarely():
        return await rebuild.run(verify=verify)


async def replay_all(
    deployment: Deployment, *, progress: Progress | None = None, verify: bool = True
) -> list[RebuildReport]:
    """Rebuild every projection in one pass over the stores (each event read and decoded once)."""
    rebuilds = [
        Rebuild(projection, deployment.stores, deployment.engines[service])
        for service, projection in deployment.projections()
    ]
    with collecting_rarely():
        return await rebuild_together(rebuilds, progress=progress, verify=verify)
