"""An HTTP client on the embedded app where ``X-Actor: role:party`` names the actor (absent =
operations): service tests skip real credentials; the access rules still apply."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from shared.service.auth.dependencies import current_principal
from shared.service.auth.testing import header_principal


@contextlib.asynccontextmanager
async def actor_client(system: EmbeddedSystem) -> AsyncIterator[httpx.AsyncClient]:
    app = app_for(system)
    app.dependency_overrides[current_principal] = header_principal
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
    finally:
        await app.state.security.close()


class HeaderActors:
    """Credentials for ``runtime.demo.seed`` and ``b2b simulate`` on an ``actor_client``: the
    actor is named with X-Actor instead of a real token."""

    async def headers(self, actor: str, person: str | None = None) -> dict[str, str]:
        return {"X-Actor": actor, **({"X-User": person} if person else {})}
