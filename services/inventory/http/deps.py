"""What the inventory routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.service.definition import ServiceContext

from ..domain.streams import StockStreams
from ..views.alerts import StockAlerts
from ..views.movements import StockMovements
from ..views.reservations import Reservations
from ..views.stock import StockLevels
from ..views.warehouses import Warehouses


@dataclass(frozen=True)
class InventoryDeps:
    context: ServiceContext
    streams: StockStreams
    levels: StockLevels
    warehouses: Warehouses
    reservations: Reservations
    alerts: StockAlerts
    movements: StockMovements

    async def wait(self, projection: str, position: int) -> None:
        """Read your writes: until ``projection`` holds the store up to ``position`` (bounded)."""
        await self.context.positions.wait_for(projection, "inventory", position)
