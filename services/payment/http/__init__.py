"""Payment's HTTP API under /api/v1: accounts, invoices and their money, exports."""

from fastapi import APIRouter

from .commands import command_routes
from .deps import PaymentDeps
from .exports import export_routes
from .queries import query_routes


def routes(deps: PaymentDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(command_routes(deps))
    router.include_router(query_routes(deps))
    router.include_router(export_routes(deps))
    return router
