"""The inventory world a decision sees: warehouses, per-SKU balances and per-order reservations.

Each part folds from its own stream (``warehouse-<id>``, ``stock-<sku>``, ``reservation-<order>``),
so a command loads only the streams it touches and appends to them atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from uuid import UUID

from shared.events.base import DomainEvent
from shared.events.inventory import (
    BackorderCreated,
    ReorderThresholdSet,
    ReplenishmentRequested,
    StockAdjusted,
    StockBalanceChanged,
    StockCommitted,
    StockLow,
    StockReceived,
    StockReleased,
    StockReservationFailed,
    StockReserved,
    WarehouseRegistered,
)
from shared.events.values import OrderType

RETURN_REFERENCE = "return:"
"""Receipts whose reference starts so restock returned goods; remembered so a return counts once."""


@dataclass(frozen=True)
class Balance:
    """One SKU at one warehouse. ``low`` is set by StockLow and cleared when available recovers."""

    on_hand: int = 0
    reserved: int = 0
    threshold: int | None = None
    reorder_quantity: int = 0
    low: bool = False
    alerts: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def recheck(self) -> Balance:
        if self.low and (self.threshold is None or self.available > self.threshold):
            return replace(self, low=False)
        return self


@dataclass(frozen=True)
class SkuState:
    """All warehouses' balances of one SKU, and the return receipts already restocked."""

    balances: Mapping[UUID, Balance] = field(default_factory=dict)
    return_references: frozenset[str] = frozenset()

    def balance(self, warehouse_id: UUID) -> Balance:
        return self.balances.get(warehouse_id, Balance())

    def with_balance(self, warehouse_id: UUID, balance: Balance) -> SkuState:
        return replace(self, balances={**self.balances, warehouse_id: balance.recheck()})


@dataclass(frozen=True)
class Placement:
    """What an order holds of one line at one warehouse."""

    sku: str
    reserved: int = 0
    committed: int = 0


@dataclass(frozen=True)
class OrderReservation:
    """An order's reservation: ``status`` is none, reserved, failed or backordered."""

    status: str = "none"
    order_type: OrderType = OrderType.REGULAR
    region: str = "none"
    supplier_id: UUID | None = None
    placements: Mapping[tuple[int, UUID], Placement] = field(default_factory=dict)
    amended_backorders: Mapping[int, int] = field(default_factory=dict)
    """Units per line an accepted amendment asked for beyond what could be reserved."""
    shipments: frozenset[UUID] = frozenset()

    def reserved_for_line(self, line_no: int) -> int:
        return sum(p.reserved for (line, _), p in self.placements.items() if line == line_no)

    def place(
        self, line_no: int, warehouse_id: UUID, sku: str, reserved: int, committed: int = 0
    ) -> OrderReservation:
        old = self.placements.get((line_no, warehouse_id), Placement(sku))
        new = Placement(sku, old.reserved + reserved, old.committed + committed)
        return replace(self, placements={**self.placements, (line_no, warehouse_id): new})


@dataclass(frozen=True)
class World:
    """The loaded part of inventory: what one decision needs."""

    warehouses: Mapping[UUID, WarehouseRegistered] = field(default_factory=dict)
    skus: Mapping[str, SkuState] = field(default_factory=dict)
    orders: Mapping[UUID, OrderReservation] = field(default_factory=dict)

    def sku(self, sku: str) -> SkuState:
        return self.skus.get(sku, SkuState())

    def order(self, order_id: UUID) -> OrderReservation:
        return self.orders.get(order_id, OrderReservation())


def stream_for(event: DomainEvent) -> str:
    """The stream an inventory event belongs to."""
    match event:
        case WarehouseRegistered():
            return f"warehouse-{event.warehouse_id}"
        case (
            StockReceived()
            | StockAdjusted()
            | ReorderThresholdSet()
            | StockLow()
            | ReplenishmentRequested()
            | StockBalanceChanged()
        ):
            return f"stock-{event.sku}"
        case (
            StockReserved()
            | StockReservationFailed()
            | StockReleased()
            | StockCommitted()
            | BackorderCreated()
        ):
            return f"reservation-{event.order_id}"
    raise ValueError(f"not an inventory event: {event.event_type}")


def evolve_sku(state: SkuState, event: DomainEvent) -> SkuState:
    """Fold one ``stock-<sku>`` event."""
    match event:
        case StockReceived(warehouse_id=wh, quantity=quantity, reference=reference):
            b = state.balance(wh)
            state = state.with_balance(wh, replace(b, on_hand=b.on_hand + quantity))
            if reference and reference.startswith(RETURN_REFERENCE):
                state = replace(state, return_references=state.return_references | {reference})
            return state
        case StockAdjusted(warehouse_id=wh, delta=delta):
            b = state.balance(wh)
            return state.with_balance(wh, replace(b, on_hand=b.on_hand + delta))
        case StockBalanceChanged(warehouse_id=wh, reserved_delta=rd, on_hand_delta=od):
            b = state.balance(wh)
            return state.with_balance(
                wh, replace(b, on_hand=b.on_hand + od, reserved=b.reserved + rd)
            )
        case ReorderThresholdSet(warehouse_id=wh, threshold=threshold, reorder_quantity=quantity):
            b = replace(state.balance(wh), threshold=threshold, reorder_quantity=quantity)
            return state.with_balance(wh, b)
        case StockLow(warehouse_id=wh):
            b = state.balance(wh)
            return replace(
                state, balances={**state.balances, wh: replace(b, low=True, alerts=b.alerts + 1)}
            )
    return state


def evolve_order(state: OrderReservation, event: DomainEvent) -> OrderReservation:
    """Fold one ``reservation-<order>`` event."""
    match event:
        case StockReserved(allocations=allocations, routing=routing):
            for a in allocations:
                state = state.place(a.line_no, a.warehouse_id, a.sku, a.quantity)
            if state.status == "reserved":
                return state
            region = routing.delivery_region
            return replace(state, status="reserved", order_type=routing.order_type, region=region)
        case StockReservationFailed():
            return replace(state, status="failed") if state.status == "none" else state
        case BackorderCreated(supplier_id=supplier_id, delivery_region=region):
            if state.status != "none":  # an amendment's extra units: the order stays reserved
                extra = {line.line_no: line.quantity for line in event.lines}
                return replace(state, amended_backorders={**state.amended_backorders, **extra})
            state = replace(state, status="backordered", order_type=OrderType.PRESALE)
            if region is not None:  # a v1 back-order did not record them
                state = replace(state, supplier_id=supplier_id, region=region)
            return state
        case StockReleased(releases=releases):
            for a in releases:
                state = state.place(a.line_no, a.warehouse_id, a.sku, -a.quantity)
            return state
        case StockCommitted(shipment_id=shipment_id, warehouse_id=wh, lines=lines):
            for line in lines:
                held = state.placements.get((line.line_no, wh), Placement(line.sku)).reserved
                taken = min(held, line.quantity)
                state = state.place(line.line_no, wh, line.sku, -taken, line.quantity)
            return replace(state, shipments=state.shipments | {shipment_id})
    return state


def evolve(world: World, event: DomainEvent) -> World:
    """Fold any inventory event into the part of the world it belongs to."""
    match event:
        case WarehouseRegistered():
            return replace(world, warehouses={**world.warehouses, event.warehouse_id: event})
        case (
            StockReceived()
            | StockAdjusted()
            | ReorderThresholdSet()
            | StockLow()
            | StockBalanceChanged()
        ):
            return replace(
                world, skus={**world.skus, event.sku: evolve_sku(world.sku(event.sku), event)}
            )
        case (
            StockReserved()
            | StockReservationFailed()
            | StockReleased()
            | StockCommitted()
            | BackorderCreated()
        ):
            order = evolve_order(world.order(event.order_id), event)
            return replace(world, orders={**world.orders, event.order_id: order})
    return world
