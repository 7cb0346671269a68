"""The web application of one service process: its API, health, and its node in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request

from runtime.contracts import install_contract_documents
from runtime.demo_accounts import seed_demo_accounts
from runtime.demo_data import build_world
from runtime.distributed.node import ROLES, ServiceNode
from runtime.distributed.settings import NodeSettings
from runtime.health import install_health_probes
from runtime.heap import settle, tune_collector
from runtime.security import build_security, install_security
from runtime.settings import Settings
from shared.service.auth.access import PUBLIC, allow
from shared.service.auth.dependencies import authorize
from shared.service.callers_first import CallersFirst
from shared.service.definition import ServiceDefinition
from shared.service.errors import install_error_handlers
from shared.service.fastapi_speedups import install as install_fastapi_speedups
from shared.service.openapi_problems import document_problems
from shared.service.routing import index_routes


def create_node_app(
    settings: NodeSettings,
    definition: ServiceDefinition,
    data_dir: Path,
    roles: frozenset[str] = ROLES,
) -> FastAPI:
    """Build the app; the database and Kafka are reached when it starts, not before.

    Every process checks bearer tokens with the shared secret (B2B_SECRET_KEY); its identity
    database (users, API keys) lives in ``data_dir``. Without the ``api`` role only /health answers.
    """
    runtime_settings = Settings()
    security = build_security(runtime_settings, data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        node = ServiceNode(settings, definition, roles)
        await node.start()
        app.state.node = node
        if "api" in roles and node.parts.router is not None:
            app.include_router(node.parts.router)
        app.openapi_schema = None
        if runtime_settings.development:
            await seed_demo_accounts(security.identity, build_world())
        app.state.readiness.done("startup")
        try:
            yield
        finally:
            await node.stop()
            await security.close()

    app = FastAPI(
        title=f"B2B ordering: {definition.name} service",
        lifespan=lifespan,
        dependencies=[Depends(authorize)],
    )
    install_fastapi_speedups()
    index_routes(app.router)
    install_error_handlers(app)
    document_problems(app)
    install_security(app, security)
    readiness = install_health_probes(app)
    readiness.wait_for("startup")
    tune_collector()
    readiness.on_ready(settle)
    install_contract_documents(app)
    app.add_middleware(CallersFirst)  # outermost: counts a request from its first byte

    @app.get("/health", openapi_extra=allow(PUBLIC), tags=["operations"])
    async def health(request: Request) -> dict[str, Any]:
        """Liveness, the store's head, the relay's position and each group membership's progress."""
        node: ServiceNode = request.app.state.node
        return {
            "status": "ok",
            "mode": "distributed",
            "service": node.name,
            "roles": sorted(node.roles),
            "head_position": await node.context.store.head_position(),
            "relay": (
                {"position": node.relay.position, "published": node.relay.published}
                if node.relay is not None
                else None
            ),
            "consumers": node.progress(),
        }

    return app
