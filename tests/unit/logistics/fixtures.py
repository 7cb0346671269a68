"""Shared facts for the logistics decider tests: one order, two warehouses, one carrier."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from services.logistics.domain.ids import shipment_id_for
from shared.events.logistics import (
    ConfirmationNoted,
    Delivered,
    DeliveryDetailsNoted,
    ReservationNoted,
    ShipmentPlanned,
    Shipped,
)
from shared.events.values import Allocation, OrderLine

ORDER = UUID("0193a000-0000-7000-8000-000000000001")
BUYER = UUID("0193a000-0000-7000-8000-0000000000b1")
SUPPLIER = UUID("0193a000-0000-7000-8000-0000000000c1")
NORTH = UUID("0193a000-0000-7000-8000-0000000000a1")
SOUTH = UUID("0193a000-0000-7000-8000-0000000000a2")
CARRIER = UUID("0193a000-0000-7000-8000-0000000000d1")
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 17, 9, 0, tzinfo=UTC)

NORTH_SHIPMENT = shipment_id_for(ORDER, NORTH)
SOUTH_SHIPMENT = shipment_id_for(ORDER, SOUTH)


def line(line_no: int, sku: str, quantity: int) -> OrderLine:
    return OrderLine(line_no=line_no, sku=sku, quantity=quantity)


def allocation(line_no: int, sku: str, warehouse: UUID, quantity: int) -> Allocation:
    return Allocation(line_no=line_no, sku=sku, warehouse_id=warehouse, quantity=quantity)


def details() -> DeliveryDetailsNoted:
    return DeliveryDetailsNoted(
        order_id=ORDER, buyer_id=BUYER, supplier_id=SUPPLIER, delivery_region="north"
    )


def reserved(*allocations: Allocation, cause: UUID | None = None) -> ReservationNoted:
    return ReservationNoted(
        order_id=ORDER,
        source_event_id=cause or uuid4(),
        allocations=allocations,
        delivery_region="north",
    )


def confirmed(*lines: OrderLine, cause: UUID | None = None) -> ConfirmationNoted:
    return ConfirmationNoted(order_id=ORDER, source_event_id=cause or uuid4(), lines=lines)


def planned(warehouse: UUID, *lines: OrderLine) -> ShipmentPlanned:
    return ShipmentPlanned(
        shipment_id=shipment_id_for(ORDER, warehouse),
        order_id=ORDER,
        warehouse_id=warehouse,
        lines=lines,
        delivery_region="north",
    )


def shipped(warehouse: UUID, *lines: OrderLine) -> Shipped:
    return Shipped(
        shipment_id=shipment_id_for(ORDER, warehouse),
        order_id=ORDER,
        warehouse_id=warehouse,
        carrier_id=CARRIER,
        tracking_number="TRK-1",
        lines=lines,
        shipped_at=NOW,
    )


def delivered(warehouse: UUID) -> Delivered:
    return Delivered(
        shipment_id=shipment_id_for(ORDER, warehouse), order_id=ORDER, delivered_at=LATER
    )


def delivered_history() -> list[object]:
    """An order whose single north shipment of 10 of A and 4 of B reached the buyer."""
    lines = (line(1, "A", 10), line(2, "B", 4))
    return [
        details(),
        reserved(allocation(1, "A", NORTH, 10), allocation(2, "B", NORTH, 4)),
        confirmed(*lines),
        planned(NORTH, *lines),
        shipped(NORTH, *lines),
        delivered(NORTH),
    ]
