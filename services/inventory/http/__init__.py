"""The inventory service's HTTP API under /api/v1: warehouses, stock, alerts, reservations."""

from fastapi import APIRouter

from shared.service.imports import import_routes

from .commands import command_routes
from .deps import InventoryDeps
from .exports import export_routes
from .imports import inventory_imports
from .queries import query_routes


def routes(deps: InventoryDeps) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(import_routes(inventory_imports(deps), tags=["inventory", "imports"]))
    router.include_router(command_routes(deps))
    router.include_router(query_routes(deps))
    router.include_router(export_routes(deps))
    return router
