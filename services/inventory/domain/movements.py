"""Decisions on master data and stock movements posted by warehouses and operations."""

from __future__ import annotations

from services.inventory.domain.alerts import with_alerts
from services.inventory.domain.commands import (
    AdjustStock,
    ReceiveStock,
    RegisterWarehouse,
    RestockReturn,
    SetReorderThreshold,
)
from services.inventory.domain.errors import (
    AdjustmentBelowReserved,
    StockWouldExceedLimit,
    StockWouldGoNegative,
    UnknownWarehouse,
    WarehouseBelongsToAnotherSupplier,
)
from services.inventory.domain.state import RETURN_REFERENCE, World
from shared.events.base import MAX_QUANTITY, DomainEvent
from shared.events.inventory import (
    ReorderThresholdSet,
    StockAdjusted,
    StockReceived,
    WarehouseRegistered,
)


def register_warehouse(command: RegisterWarehouse, world: World) -> list[DomainEvent]:
    """Register or update a warehouse; the same details again change nothing."""
    event = WarehouseRegistered(
        warehouse_id=command.warehouse_id,
        supplier_id=command.supplier_id,
        name=command.name,
        regions_served=command.regions_served,
        speed_rank=command.speed_rank,
        lead_time_days=command.lead_time_days,
    )
    known = world.warehouses.get(command.warehouse_id)
    if known is not None and known.supplier_id != command.supplier_id:
        raise WarehouseBelongsToAnotherSupplier(
            f"warehouse {command.warehouse_id} belongs to supplier {known.supplier_id}"
        )
    return [] if known == event else [event]


def _require_warehouse(world: World, warehouse_id: object) -> None:
    if warehouse_id not in world.warehouses:
        raise UnknownWarehouse(f"warehouse {warehouse_id} is not registered")


def _within_limit(on_hand: int, sku: str, field: str) -> None:
    if on_hand > MAX_QUANTITY:
        raise StockWouldExceedLimit(
            f"on hand would be {on_hand} units of {sku}, above the {MAX_QUANTITY} one warehouse "
            "may hold of a SKU",
            field,
        )


def receive_stock(command: ReceiveStock, world: World) -> list[DomainEvent]:
    _require_warehouse(world, command.warehouse_id)
    balance = world.sku(command.sku).balance(command.warehouse_id)
    _within_limit(balance.on_hand + command.quantity, command.sku, "quantity")
    received = StockReceived(
        warehouse_id=command.warehouse_id,
        sku=command.sku,
        quantity=command.quantity,
        reference=command.reference,
    )
    return with_alerts(world, [received])


def adjust_stock(command: AdjustStock, world: World) -> list[DomainEvent]:
    """Correct on-hand units; never below zero and never below what orders hold reserved."""
    _require_warehouse(world, command.warehouse_id)
    balance = world.sku(command.sku).balance(command.warehouse_id)
    on_hand = balance.on_hand + command.delta
    if on_hand < 0:
        raise StockWouldGoNegative(
            f"on hand would be {on_hand}: {command.sku} has only {balance.on_hand} on hand "
            f"at warehouse {command.warehouse_id}"
        )
    _within_limit(on_hand, command.sku, "delta")
    if on_hand < balance.reserved:
        raise AdjustmentBelowReserved(
            f"on hand would be {on_hand}, below the {balance.reserved} units reserved for orders; "
            "release or ship those orders first"
        )
    adjusted = StockAdjusted(
        warehouse_id=command.warehouse_id,
        sku=command.sku,
        delta=command.delta,
        reason=command.reason,
        note=command.note,
    )
    return with_alerts(world, [adjusted])


def set_reorder_threshold(command: SetReorderThreshold, world: World) -> list[DomainEvent]:
    _require_warehouse(world, command.warehouse_id)
    balance = world.sku(command.sku).balance(command.warehouse_id)
    if (balance.threshold, balance.reorder_quantity) == (
        command.threshold,
        command.reorder_quantity,
    ):
        return []
    event = ReorderThresholdSet(
        warehouse_id=command.warehouse_id,
        sku=command.sku,
        threshold=command.threshold,
        reorder_quantity=command.reorder_quantity,
    )
    return with_alerts(world, [event])


def restock_return(command: RestockReturn, world: World) -> list[DomainEvent]:
    """Resellable returned units are received again, once per return line."""
    events: list[DomainEvent] = []
    for line_no, sku, quantity in command.lines:
        reference = f"{RETURN_REFERENCE}{command.return_id}:{line_no}"
        if reference in world.sku(sku).return_references:
            continue
        events.append(
            StockReceived(
                warehouse_id=command.warehouse_id, sku=sku, quantity=quantity, reference=reference
            )
        )
    return with_alerts(world, events) if events else []
