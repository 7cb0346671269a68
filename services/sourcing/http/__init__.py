"""The sourcing service's HTTP API under /api/v1: RFQs, their quotes and award, offered quotes,
and the analysts' figures."""

from fastapi import APIRouter

from .deps import SourcingDeps
from .offers import offer_routes
from .queries import query_routes
from .rfqs import rfq_routes


def routes(deps: SourcingDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(rfq_routes(deps))
    router.include_router(offer_routes(deps))
    router.include_router(query_routes(deps))
    return router
