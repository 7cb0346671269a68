"""Inventory read models: stock levels, warehouses, reservations with routing, low-stock alerts."""

from services.inventory.views.alerts import StockAlerts
from services.inventory.views.movements import StockMovements
from services.inventory.views.reservations import Reservations
from services.inventory.views.stock import StockLevels, Warehouses

__all__ = ["Reservations", "StockAlerts", "StockLevels", "StockMovements", "Warehouses"]
