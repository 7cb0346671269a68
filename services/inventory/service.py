"""Declares the inventory service: its streams, subscriptions, projections and routes.

Streams: ``warehouse-<id>``, ``stock-<sku>`` (all warehouses' balances of one SKU) and
``reservation-<order id>``; a reservation appends to its SKU streams and its order stream at once.
"""

from __future__ import annotations

from uuid import UUID

from services.inventory.http.queries import make_router
from services.inventory.domain import decide, stream_for
from services.inventory.domain.streams import (
    StockStreams,
    WarehouseDirectory,
    fold_of,
    no_directory,
    world_reader,
)
from services.inventory.http.exports import export_routes
from services.inventory.reactions import make_policies
from services.inventory.views import (
    Reservations,
    StockAlerts,
    StockLevels,
    StockMovements,
    Warehouses,
)
from shared.eventstore.port import EventStore
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import MultiStreamRepository


def stock_streams(
    store: EventStore, warehouses_of: WarehouseDirectory = no_directory
) -> StockStreams:
    return MultiStreamRepository(
        store,
        read=world_reader(warehouses_of),
        decide=decide,
        stream_of=stream_for,
        fold_of=fold_of,
    )


def build(context: ServiceContext) -> ServiceParts:
    levels, warehouses, reservations, alerts = (
        StockLevels(),
        Warehouses(),
        Reservations(),
        StockAlerts(),
    )

    async def warehouses_of(supplier_id: UUID) -> list[UUID]:
        return await warehouses.of_supplier(context.engine, supplier_id)

    ledger = stock_streams(context.store, warehouses_of)
    movements = StockMovements()
    router = make_router(context, ledger, levels, warehouses, reservations, alerts)
    router.include_router(export_routes(context, movements, warehouses))
    return ServiceParts(
        router=router,
        policies=make_policies(ledger, reservations, context),
        projections=[levels, warehouses, reservations, alerts, movements],
    )


definition = ServiceDefinition(name="inventory", build=build)
