"""Events owned by the inventory service: warehouses, stock movements, reservations and routing."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar, Self
from uuid import UUID

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from shared.events.base import (
    Contract,
    DomainEvent,
    PositiveQuantity,
    Quantity,
    QuantityChange,
)
from shared.events.values import (
    Allocation,
    Code,
    LineNo,
    Lines,
    OrderLine,
    OrderType,
    Sku,
    SkuQuantity,
    Text,
)


def _distinct_placements(allocations: tuple[Allocation, ...]) -> tuple[Allocation, ...]:
    keys = [(a.line_no, a.warehouse_id) for a in allocations]
    if len(keys) != len(set(keys)):
        raise ValueError("a line may be allocated to a warehouse only once per event")
    return allocations


Allocations = Annotated[
    tuple[Allocation, ...], Field(min_length=1), AfterValidator(_distinct_placements)
]


class WarehouseRegistered(DomainEvent):
    """A supplier's warehouse, the regions it serves and how fast it ships (1 = fastest)."""

    event_type: ClassVar[str] = "WarehouseRegistered"
    schema_version: ClassVar[int] = 1

    warehouse_id: UUID
    supplier_id: UUID
    name: Text
    regions_served: tuple[Code, ...] = Field(min_length=1)
    speed_rank: PositiveQuantity
    lead_time_days: Quantity


class ReorderThresholdSet(DomainEvent):
    """Below ``threshold`` available units, alert and ask for ``reorder_quantity`` more."""

    event_type: ClassVar[str] = "ReorderThresholdSet"
    schema_version: ClassVar[int] = 1

    warehouse_id: UUID
    sku: Sku
    threshold: Quantity
    reorder_quantity: PositiveQuantity


class StockReceived(DomainEvent):
    """Goods arrived at a warehouse and are on hand."""

    event_type: ClassVar[str] = "StockReceived"
    schema_version: ClassVar[int] = 1

    warehouse_id: UUID
    sku: Sku
    quantity: PositiveQuantity
    reference: Text | None = None


class AdjustmentReason(StrEnum):
    """Why on-hand stock changed outside orders and receipts."""

    COUNT_CORRECTION = "count_correction"
    DAMAGED = "damaged"
    LOST = "lost"
    FOUND = "found"
    RETURNED = "returned"


class StockAdjusted(DomainEvent):
    """On-hand stock corrected by ``delta`` units (negative removes)."""

    event_type: ClassVar[str] = "StockAdjusted"
    schema_version: ClassVar[int] = 1

    warehouse_id: UUID
    sku: Sku
    delta: QuantityChange
    reason: AdjustmentReason
    note: Text | None = None

    @model_validator(mode="after")
    def _changes_stock(self) -> Self:
        if self.delta == 0:
            raise ValueError("an adjustment must change the stock")
        return self


class StockLow(DomainEvent):
    """Available stock of a SKU in a warehouse fell below its reorder threshold."""

    event_type: ClassVar[str] = "StockLow"
    schema_version: ClassVar[int] = 1

    warehouse_id: UUID
    sku: Sku
    available: Quantity
    threshold: Quantity


class ReplenishmentReason(StrEnum):
    """What made inventory ask for more stock."""

    LOW_STOCK = "low_stock"
    BACKORDER = "backorder"


class ReplenishmentRequested(DomainEvent):
    """Inventory asks for more units of a SKU at a warehouse."""

    event_type: ClassVar[str] = "ReplenishmentRequested"
    schema_version: ClassVar[int] = 1

    request_id: UUID
    warehouse_id: UUID
    sku: Sku
    quantity: PositiveQuantity
    reason: ReplenishmentReason


class RoutingCandidate(Contract):
    """A warehouse considered for an order, with what routing knew of it at that moment."""

    warehouse_id: UUID
    serves_region: bool
    speed_rank: PositiveQuantity
    lead_time_days: Quantity
    available: tuple[SkuQuantity, ...]
    chosen: bool


class RoutingDecision(Contract):
    """Why the order's lines went to these warehouses: rule, inputs and candidates in order."""

    rule: Code
    order_type: OrderType
    delivery_region: Code
    candidates: tuple[RoutingCandidate, ...] = Field(min_length=1)
    reason: Text


class StockReserved(DomainEvent):
    """Stock set aside for an order, per line and warehouse; adds to earlier reservations."""

    event_type: ClassVar[str] = "StockReserved"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    allocations: Allocations
    routing: RoutingDecision


class Shortage(Contract):
    """A line that cannot be served: how much was asked and how much could be found."""

    line_no: LineNo
    sku: Sku
    requested: PositiveQuantity
    available: Quantity


class StockReservationFailed(DomainEvent):
    """Nothing was reserved for the order because these lines are short."""

    event_type: ClassVar[str] = "StockReservationFailed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    shortages: Lines[Shortage]


class ReleaseReason(StrEnum):
    """Why reserved stock became available again."""

    ORDER_CANCELLED = "order_cancelled"
    ORDER_REJECTED = "order_rejected"
    AMENDMENT = "amendment"
    EXPIRED = "expired"


class StockReleased(DomainEvent):
    """Reserved quantities given back, per line and warehouse."""

    event_type: ClassVar[str] = "StockReleased"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    releases: Allocations
    reason: ReleaseReason


class StockCommitted(DomainEvent):
    """A shipment left a warehouse: its reserved units leave the stock on hand."""

    event_type: ClassVar[str] = "StockCommitted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    shipment_id: UUID
    warehouse_id: UUID
    lines: Lines[OrderLine]


class BackorderCreatedV1(DomainEvent):
    """Presale lines waiting for stock that does not exist yet."""

    model_config = ConfigDict(title="BackorderCreated")

    event_type: ClassVar[str] = "BackorderCreated"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    lines: Lines[OrderLine]
    warehouse_id: UUID | None = None
    expected_date: date | None = None
    # v1 had no supplier and region, so a back-order of a SKU that no warehouse had ever held
    # could not be filled; its data reads as v2 with both unknown.


class BackorderCreated(DomainEvent):
    """Presale lines waiting for stock that does not exist yet: the first receipt at any of the
    supplier's warehouses may fill them, routed as for ``delivery_region``; ``warehouse_id`` is
    where more stock was asked for."""

    event_type: ClassVar[str] = "BackorderCreated"
    schema_version: ClassVar[int] = 2

    order_id: UUID
    lines: Lines[OrderLine]
    warehouse_id: UUID | None = None
    expected_date: date | None = None
    supplier_id: UUID | None = None
    delivery_region: Code | None = None


class BalanceCause(StrEnum):
    """Which order-level inventory event moved a SKU's balances."""

    RESERVED = "reserved"
    RELEASED = "released"
    COMMITTED = "committed"


class StockBalanceChanged(DomainEvent):
    """The per-SKU side of StockReserved, StockReleased and StockCommitted: one warehouse's
    reserved and on-hand units for ``sku`` changed because of ``order_id``."""

    event_type: ClassVar[str] = "StockBalanceChanged"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    warehouse_id: UUID
    sku: Sku
    reserved_delta: QuantityChange
    on_hand_delta: QuantityChange
    cause: BalanceCause

    @model_validator(mode="after")
    def _changes_a_balance(self) -> Self:
        if self.reserved_delta == 0 and self.on_hand_delta == 0:
            raise ValueError("a balance change must change reserved or on-hand units")
        return self


EVENTS: tuple[type[DomainEvent], ...] = (
    WarehouseRegistered,
    ReorderThresholdSet,
    StockReceived,
    StockAdjusted,
    StockLow,
    ReplenishmentRequested,
    StockReserved,
    StockReservationFailed,
    StockReleased,
    StockCommitted,
    BackorderCreatedV1,
    BackorderCreated,
    StockBalanceChanged,
)
