"""Pricing's HTTP API under /api/v1: master data, catalog, quotes, imports."""

from fastapi import APIRouter

from shared.service.imports import import_routes

from .catalog import catalog_routes
from .commands import master_data_routes
from .deps import PricingDeps
from .imports import pricing_imports
from .queries import query_routes
from .quotes import quote_routes


def routes(deps: PricingDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(master_data_routes(deps))
    router.include_router(query_routes(deps))
    router.include_router(catalog_routes(deps))
    router.include_router(quote_routes(deps))
    router.include_router(import_routes(pricing_imports(deps), tags=["pricing", "imports"]))
    return router
