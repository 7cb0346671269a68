"""Inventory commands: master data and stock movements from the API, reservations from policies."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from shared.events.inventory import AdjustmentReason, ReleaseReason
from shared.events.values import OrderLine, OrderType


@dataclass(frozen=True)
class RegisterWarehouse:
    warehouse_id: UUID
    supplier_id: UUID
    name: str
    regions_served: tuple[str, ...]
    speed_rank: int
    lead_time_days: int


@dataclass(frozen=True)
class ReceiveStock:
    warehouse_id: UUID
    sku: str
    quantity: int
    reference: str | None = None


@dataclass(frozen=True)
class AdjustStock:
    warehouse_id: UUID
    sku: str
    delta: int
    reason: AdjustmentReason
    note: str | None = None


@dataclass(frozen=True)
class SetReorderThreshold:
    warehouse_id: UUID
    sku: str
    threshold: int
    reorder_quantity: int


@dataclass(frozen=True)
class ReserveStock:
    order_id: UUID
    supplier_id: UUID
    order_type: OrderType
    delivery_region: str
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class FillBackorder:
    """Stock arrived: reserve a back-ordered (presale) order's lines if they now fit, all or none.

    ``warehouse_id`` is the back-order's preferred warehouse (its supplier's, near the buyer),
    if it has one.
    """

    order_id: UUID
    warehouse_id: UUID | None
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class ReleaseStock:
    order_id: UUID
    reason: ReleaseReason


@dataclass(frozen=True)
class ChangeReservedQuantity:
    """Bring each line's reservation to its new quantity (0 drops the line)."""

    order_id: UUID
    lines: tuple[tuple[int, str, int], ...]


@dataclass(frozen=True)
class CommitShipment:
    order_id: UUID
    shipment_id: UUID
    warehouse_id: UUID
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class RestockReturn:
    """Put resellable returned units back on hand: (line_no, sku, quantity) each."""

    return_id: UUID
    warehouse_id: UUID
    lines: tuple[tuple[int, str, int], ...]


Command = (
    RegisterWarehouse
    | ReceiveStock
    | AdjustStock
    | SetReorderThreshold
    | ReserveStock
    | FillBackorder
    | ReleaseStock
    | ChangeReservedQuantity
    | CommitShipment
    | RestockReturn
)


def skus_of(command: Command) -> tuple[str, ...]:
    """The SKU streams a command reads."""
    match command:
        case ReceiveStock() | AdjustStock() | SetReorderThreshold():
            return (command.sku,)
        case ReserveStock() | CommitShipment() | FillBackorder():
            return tuple(sorted({line.sku for line in command.lines}))
        case ChangeReservedQuantity() | RestockReturn():
            return tuple(sorted({sku for _, sku, _ in command.lines}))
    return ()


def order_of(command: Command) -> UUID | None:
    """The reservation stream a command reads, if any."""
    match command:
        case (
            ReserveStock()
            | ReleaseStock()
            | ChangeReservedQuantity()
            | CommitShipment()
            | FillBackorder()
        ):
            return command.order_id
    return None


def warehouse_of(command: Command) -> UUID | None:
    match command:
        case RegisterWarehouse() | ReceiveStock() | AdjustStock() | SetReorderThreshold():
            return command.warehouse_id
        case CommitShipment() | RestockReturn() | FillBackorder():
            return command.warehouse_id
    return None
