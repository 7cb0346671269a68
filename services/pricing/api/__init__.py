"""Pricing's HTTP API under /api/v1: master data, catalog, quotes."""

from fastapi import APIRouter

from services.pricing.api.catalog import catalog_routes
from services.pricing.api.master_data import master_data_routes
from services.pricing.api.quotes import quote_routes
from services.pricing.api.reads import read_routes
from services.pricing.imports import pricing_imports
from services.pricing.projections.catalog import Catalog
from services.pricing.repositories import Repositories
from shared.service.definition import ServiceContext
from shared.service.imports import import_routes


def make_router(context: ServiceContext, repos: Repositories, catalog: Catalog) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(master_data_routes(context, repos))
    router.include_router(read_routes(context, catalog))
    router.include_router(catalog_routes(context, catalog))
    router.include_router(quote_routes(context, catalog))
    imports = pricing_imports(context, repos, catalog)
    router.include_router(import_routes(imports, tags=["pricing", "imports"]))
    return router
