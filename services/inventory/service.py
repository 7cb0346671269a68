"""Declares the inventory service: its streams, subscriptions, projections and routes.

Streams: ``warehouse-<id>``, ``stock-<sku>`` (all warehouses' balances of one SKU) and
``reservation-<order id>``; a reservation appends to its SKU streams and its order stream at once.
"""

from __future__ import annotations

from uuid import UUID

from shared.eventstore.port import EventStore
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import MultiStreamRepository

from .domain import decide, stream_for
from .domain.streams import (
    StockStreams,
    WarehouseDirectory,
    fold_of,
    no_directory,
    world_reader,
)
from .http import routes
from .http.deps import InventoryDeps
from .reactions import reactions
from .views.alerts import StockAlerts
from .views.movements import StockMovements
from .views.reservations import Reservations
from .views.stock import StockLevels
from .views.warehouses import Warehouses


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
    warehouses = Warehouses()

    async def warehouses_of(supplier_id: UUID) -> list[UUID]:
        return await warehouses.of_supplier(context.engine, supplier_id)

    deps = InventoryDeps(
        context=context,
        streams=stock_streams(context.store, warehouses_of),
        levels=StockLevels(),
        warehouses=warehouses,
        reservations=Reservations(),
        alerts=StockAlerts(),
        movements=StockMovements(),
    )
    return ServiceParts(
        router=routes(deps),
        policies=reactions(deps.streams, deps.reservations, context.engine),
        projections=[deps.levels, warehouses, deps.reservations, deps.alerts, deps.movements],
    )


definition = ServiceDefinition(name="inventory", build=build)
