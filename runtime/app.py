"""The embedded web application: every service's API (and the portal) on one port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import structlog
from fastapi import Depends, FastAPI, Request

from portal.auth import install_portal_auth
from portal.web import mount as mount_portal
from runtime.contracts import install_contract_documents
from runtime.credentials import Credentials, MintedTokens
from runtime.demo import seed
from runtime.demo_accounts import DEMO_PASSWORD, demo_logins, seed_demo_accounts
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem, mount_routes
from runtime.health import Readiness, install_health_probes
from runtime.heap import settle, tune_collector
from runtime.notifications import Notifications, install_notifications
from runtime.observability import install_observability
from runtime.observability.logs import configure_logging
from runtime.observability.settings import ObservabilitySettings
from runtime.ops.answers import HealthAnswer
from runtime.security import build_security, install_security, start_webhook_feed
from runtime.services import ALL_SERVICES
from runtime.settings import Settings
from shared.service.auth.access import PUBLIC, allow
from shared.service.auth.dependencies import authorize
from shared.service.auth.security import Security
from shared.service.callers_first import CallersFirst
from shared.service.definition import ServiceDefinition
from shared.service.errors import install_error_handlers
from shared.service.fastapi_speedups import install as install_fastapi_speedups
from shared.service.openapi_models import answers
from shared.service.openapi_problems import document_problems
from shared.service.routing import index_routes
from shared.service.tasks import cancel_all


def _new_app(security: Security, lifespan: Any = None) -> FastAPI:
    app = FastAPI(
        title="B2B ordering platform",
        version="0.1.0",
        summary="Event-sourced B2B ordering: order, pricing, inventory, logistics, payment.",
        lifespan=lifespan,
        dependencies=[Depends(authorize)],
    )
    install_fastapi_speedups()
    index_routes(app.router)
    install_error_handlers(app)
    document_problems(app)
    install_observability(app)
    install_security(app, security)
    install_portal_auth(app)
    mount_portal(app)
    install_health_probes(app)
    install_contract_documents(app)
    app.add_middleware(CallersFirst)  # outermost: counts a request from its first byte

    @app.get("/health", openapi_extra=allow(PUBLIC), **answers(HealthAnswer), tags=["operations"])
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


async def seed_demo_once(app: FastAPI, data_dir: Path, credentials: Credentials) -> None:
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
        await seed(client, credentials, progress=progress)
    marker.write_text("seeded\n")
    log.info("demo world ready")


async def seed_then_ready(
    app: FastAPI, data_dir: Path, credentials: Credentials, readiness: Readiness
) -> None:
    """Seed the demo world, then tell readiness; a failed seed leaves the app not ready."""
    try:
        await seed_demo_once(app, data_dir, credentials)
    except Exception as error:  # reported on /health/ready and in the log, not swallowed
        log.exception("demo seed failed")
        readiness.fail("demo seed", str(error)[:300])
        return
    readiness.done("demo seed")


def app_for(system: EmbeddedSystem, settings: Settings | None = None) -> FastAPI:
    """An app over a system that is already started (tests, benchmarks, simulate); close its
    identity database with ``await app.state.security.close()``."""
    settings = settings or Settings()
    app = _new_app(build_security(settings, system.data_dir))
    _notifications(app, settings, system.data_dir)
    app.state.system = system
    mount_routes(app, system)
    return app


def _notifications(app: FastAPI, settings: Settings, data_dir: Path) -> Notifications:
    return install_notifications(
        app,
        data_dir,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password,
        smtp_starttls=settings.smtp_starttls,
        settings=settings.mail_settings(),
    )


def create_app(
    settings: Settings | None = None,
    definitions: Sequence[ServiceDefinition] = ALL_SERVICES,
    on_ready: Callable[[], None] | None = None,
) -> FastAPI:
    """Build the app; stores open when it starts (nothing connects at import or build time).
    ``on_ready`` is called once /health/ready turns ready (startup and demo seed done)."""
    settings = settings or Settings()
    observability = ObservabilitySettings()
    configure_logging(observability.log_format, observability.log_level)
    security = build_security(settings, settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        system = EmbeddedSystem(settings.data_dir, definitions, database_url=settings.database_url)
        await system.start()
        app.state.system = system
        mount_routes(app, system)
        app.openapi_schema = None
        background = await start_webhook_feed(system, security)
        background += await notifications.start(system)
        if settings.development:
            await seed_demo_accounts(security.identity, build_world())
        readiness = app.state.readiness
        if settings.demo and settings.development:
            internal = MintedTokens(security.tokens)
            readiness.wait_for("demo seed")
            seeding = seed_then_ready(app, settings.data_dir, internal, readiness)
            background.append(asyncio.create_task(seeding))
        readiness.done("startup")
        try:
            yield
        finally:
            await cancel_all(background)
            await system.stop()
            await security.close()
            await notifications.close()

    app = _new_app(security, lifespan)
    notifications = _notifications(app, settings, settings.data_dir)
    if settings.development:
        app.state.demo_logins = demo_logins(build_world())
        app.state.demo_password = DEMO_PASSWORD
    readiness: Readiness = app.state.readiness
    readiness.wait_for("startup")
    tune_collector()
    readiness.on_ready(settle)
    if on_ready is not None:
        readiness.on_ready(on_ready)
    return app
