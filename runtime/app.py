"""The embedded web application: every service's API (and the portal) on one port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request

from runtime.embedded import EmbeddedSystem, mount_routes
from runtime.services import ALL_SERVICES
from runtime.settings import Settings
from shared.service.definition import ServiceDefinition
from shared.service.errors import install_error_handlers


def _new_app(lifespan: Any = None) -> FastAPI:
    app = FastAPI(
        title="B2B ordering platform",
        version="0.1.0",
        summary="Event-sourced B2B ordering: order, pricing, inventory, logistics, payment.",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    @app.get("/health", tags=["operations"])
    async def health(request: Request) -> dict[str, Any]:
        """Liveness and the head position of every service's event store."""
        system: EmbeddedSystem = request.app.state.system
        services = {
            name: {"store": "ok", "head_position": await store.head_position()}
            for name, store in system.stores.items()
        }
        return {"status": "ok", "mode": "embedded", "services": services}

    return app


def app_for(system: EmbeddedSystem) -> FastAPI:
    """An app over a system that is already started (tests, benchmarks, simulate)."""
    app = _new_app()
    app.state.system = system
    mount_routes(app, system)
    return app


def create_app(
    settings: Settings | None = None, definitions: Sequence[ServiceDefinition] = ALL_SERVICES
) -> FastAPI:
    """Build the app; stores open when it starts (nothing connects at import or build time)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        system = EmbeddedSystem(settings.data_dir, definitions)
        await system.start()
        app.state.system = system
        mount_routes(app, system)
        app.openapi_schema = None
        try:
            yield
        finally:
            await system.stop()

    return _new_app(lifespan)
