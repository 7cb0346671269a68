"""Broken inventory rules, named as sentences; the API maps them to problem+json."""

from __future__ import annotations

from shared.service.decider import DomainError


class UnknownWarehouse(DomainError):
    status = 404
    field = "warehouse_id"


class StockWouldGoNegative(DomainError):
    field = "delta"


class AdjustmentBelowReserved(DomainError):
    field = "delta"


class WarehouseBelongsToAnotherSupplier(DomainError):
    field = "supplier_id"
