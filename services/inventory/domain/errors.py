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


class StockWouldExceedLimit(DomainError):
    """On hand at one warehouse stays within MAX_QUANTITY units of a SKU."""

    status = 422

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field
