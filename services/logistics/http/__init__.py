"""The logistics service's HTTP API under /api/v1: carriers, addresses, shipments, returns."""

from fastapi import APIRouter

from .commands import command_routes
from .deps import LogisticsDeps
from .queries import query_routes


def routes(deps: LogisticsDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(command_routes(deps))
    router.include_router(query_routes(deps))
    return router
