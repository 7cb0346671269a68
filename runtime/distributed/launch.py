"""Start one process of the distributed mode: a service's roles, or the portal, under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from runtime.distributed.app import create_node_app
from runtime.distributed.settings import NodeSettings
from runtime.health import install_health_probes
from runtime.services import ALL_SERVICES
from shared.service.auth.access import PUBLIC, allow


class UnknownService(ValueError):
    """The service name is none of the platform's five; the message lists them."""


def run_node(
    service: str,
    roles: frozenset[str],
    *,
    port: int | None,
    host: str | None,
    data_dir: Path,
) -> None:
    """Serve ``roles`` of ``service``; port and host default to B2B_PORT/B2B_HOST, else 8080."""
    definitions = {d.name: d for d in ALL_SERVICES}
    if service not in definitions:
        choices = ", ".join(sorted(definitions))
        raise UnknownService(f"unknown service {service!r}; choose one of {choices}")
    given: dict[str, Any] = {k: v for k, v in {"port": port, "host": host}.items() if v}
    settings = NodeSettings(service=service, **given)
    uvicorn.run(
        create_node_app(settings, definitions[service], data_dir / service, roles),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=5,
    )


def create_portal_app() -> FastAPI:
    """The portal alone; its pages call the API through the gateway at B2B_PORTAL_API_URL."""
    from portal.auth import install_portal_auth
    from portal.web import mount as mount_portal

    if not os.environ.get("B2B_PORTAL_API_URL"):
        raise RuntimeError(
            "set B2B_PORTAL_API_URL to the gateway URL (e.g. the one make up prints): "
            "the portal calls the services' APIs through it"
        )
    app = FastAPI(title="B2B ordering: portal")
    install_portal_auth(app)
    mount_portal(app)
    install_health_probes(app)

    @app.get("/health", openapi_extra=allow(PUBLIC), tags=["operations"])
    async def health() -> dict[str, str]:
        """Liveness of the portal process."""
        return {"status": "ok", "mode": "distributed", "service": "portal"}

    return app


def run_portal(*, port: int | None, host: str | None) -> None:
    """Serve the portal on B2B_PORT/B2B_HOST (default 8080 on 127.0.0.1)."""
    app = create_portal_app()
    uvicorn.run(
        app,
        host=host or os.environ.get("B2B_HOST", "127.0.0.1"),
        port=port or int(os.environ.get("B2B_PORT", "8080")),
        log_level="warning",
    )
