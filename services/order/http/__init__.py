"""The order service's HTTP API under /api/v1: parties, orders and their read models."""

from fastapi import APIRouter

from .deps import OrderDeps
from .orders import order_routes
from .parties import party_routes
from .queries import query_routes


def make_router(deps: OrderDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(party_routes(deps))
    router.include_router(order_routes(deps))
    router.include_router(query_routes(deps))
    return router
