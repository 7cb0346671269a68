"""Request bodies of the inventory API: constrained so bad input is a 422 naming the field."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events.base import PositiveQuantity, Quantity, QuantityChange
from shared.events.inventory import AdjustmentReason
from shared.events.values import Code, Sku, Text


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WarehouseIn(_Body):
    warehouse_id: UUID | None = None
    supplier_id: UUID
    name: Text
    regions_served: list[Code] = Field(min_length=1, max_length=100)
    speed_rank: PositiveQuantity = Field(description="1 = fastest")
    lead_time_days: Quantity


class ReceiptIn(_Body):
    warehouse_id: UUID
    sku: Sku
    quantity: PositiveQuantity
    reference: Text | None = None


class AdjustmentIn(_Body):
    warehouse_id: UUID
    sku: Sku
    delta: QuantityChange = Field(
        description="units added (positive) or removed (negative), never 0"
    )
    reason: AdjustmentReason
    note: Text | None = None


class ThresholdIn(_Body):
    warehouse_id: UUID
    sku: Sku
    threshold: Quantity
    reorder_quantity: PositiveQuantity
