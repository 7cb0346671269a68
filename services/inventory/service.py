"""Declares the inventory service: its streams, subscriptions, projections and routes.

Streams: ``warehouse-<id>``, ``stock-<sku>`` (all warehouses' balances of one SKU) and
``reservation-<order id>``; a reservation appends to its SKU streams and its order stream at once.
"""

from __future__ import annotations

from services.inventory.api import make_router
from services.inventory.exports import export_routes
from services.inventory.ledger import StockLedger
from services.inventory.policies import make_policies
from services.inventory.projections import (
    Reservations,
    StockAlerts,
    StockLevels,
    StockMovements,
    Warehouses,
)
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts


def build(context: ServiceContext) -> ServiceParts:
    ledger = StockLedger(context.store)
    levels, warehouses, reservations, alerts = (
        StockLevels(),
        Warehouses(),
        Reservations(),
        StockAlerts(),
    )
    movements = StockMovements()
    router = make_router(context, ledger, levels, warehouses, reservations, alerts)
    router.include_router(export_routes(context, movements, warehouses))
    return ServiceParts(
        router=router,
        policies=make_policies(ledger, reservations, context),
        projections=[levels, warehouses, reservations, alerts, movements],
    )


definition = ServiceDefinition(name="inventory", build=build)
