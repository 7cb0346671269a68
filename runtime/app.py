"""The embedded web application: every service's API (and the portal) on one port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import structlog
from fastapi import FastAPI, Request

from runtime.demo import seed
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


log = structlog.get_logger(__name__)


async def seed_demo_once(app: FastAPI, data_dir: Path) -> None:
    """Seed the demo world through the app's own API the first time this data dir starts."""
    marker = data_dir / ".demo-seeded"
    if marker.exists():
        return
    log.info("seeding the demo world (first start of this data directory)")

    def progress(label: str, done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            log.info("demo seed", step=label, done=done, total=total)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
        await seed(client, progress=progress)
    marker.write_text("seeded\n")
    log.info("demo world ready")


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
        seeding = (
            asyncio.create_task(seed_demo_once(app, settings.data_dir)) if settings.demo else None
        )
        try:
            yield
        finally:
            if seeding is not None:
                seeding.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await seeding
            await system.stop()

    return _new_app(lifespan)
