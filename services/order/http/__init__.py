"""The order service's HTTP API under /api/v1: parties, orders and their read models."""

from fastapi import APIRouter

from shared.service.imports import import_routes

from .approvals import approval_routes
from .checkouts import checkout_routes
from .deps import OrderDeps
from .exports import export_routes
from .imports import order_imports
from .orders import order_routes
from .parties import party_routes
from .queries import query_routes


def routes(deps: OrderDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(party_routes(deps))
    router.include_router(order_routes(deps))
    router.include_router(approval_routes(deps))
    router.include_router(checkout_routes(deps))
    router.include_router(query_routes(deps))
    router.include_router(import_routes(order_imports(deps), tags=["parties", "imports"]))
    router.include_router(export_routes(deps))
    return router
