"""``b2b replay``: rebuild one projection beside the live one, verify, swap."""

from __future__ import annotations

from runtime.ops.deployment import Deployment
from shared.service.rebuild import Progress, Rebuild, RebuildReport


async def replay(
    deployment: Deployment, name: str, *, progress: Progress | None = None, verify: bool = True
) -> RebuildReport:
    """Rebuild ``name`` (``projection`` or ``service:projection``) from position 0 and swap."""
    service, projection = deployment.projection(name)
    rebuild = Rebuild(projection, deployment.stores, deployment.engines[service], progress=progress)
    return await rebuild.run(verify=verify)
