"""Inventory read models: stock levels, warehouses, reservations with routing, low-stock alerts."""

from services.inventory.projections.alerts import StockAlerts
from services.inventory.projections.movements import StockMovements
from services.inventory.projections.reservations import Reservations
from services.inventory.projections.stock import StockLevels, Warehouses

__all__ = ["Reservations", "StockAlerts", "StockLevels", "StockMovements", "Warehouses"]
