"""Warehouses, lines and events that the inventory unit tests share."""

from __future__ import annotations

from uuid import UUID, uuid4

from services.inventory.domain import ReserveStock
from shared.events.inventory import StockReceived, WarehouseRegistered
from shared.events.values import OrderLine, OrderType

SUPPLIER = UUID("00000000-0000-4000-8000-000000000001")
NEAR = UUID("00000000-0000-4000-8000-0000000000a1")  # serves EU, slow
FAST = UUID("00000000-0000-4000-8000-0000000000b2")  # serves US, fastest
OTHER = UUID("00000000-0000-4000-8000-0000000000c3")  # serves EU, slowest


def warehouse(warehouse_id: UUID, regions: tuple[str, ...], speed: int) -> WarehouseRegistered:
    return WarehouseRegistered(
        warehouse_id=warehouse_id,
        supplier_id=SUPPLIER,
        name=f"wh-{str(warehouse_id)[-2:]}",
        regions_served=regions,
        speed_rank=speed,
        lead_time_days=speed,
    )


WAREHOUSES = (
    warehouse(NEAR, ("EU",), 2),
    warehouse(FAST, ("US",), 1),
    warehouse(OTHER, ("EU",), 3),
)


def received(warehouse_id: UUID, sku: str, quantity: int) -> StockReceived:
    return StockReceived(warehouse_id=warehouse_id, sku=sku, quantity=quantity)


def reserve(
    *lines: tuple[str, int],
    order_type: OrderType = OrderType.REGULAR,
    region: str = "EU",
    order_id: UUID | None = None,
) -> ReserveStock:
    return ReserveStock(
        order_id=order_id or uuid4(),
        supplier_id=SUPPLIER,
        order_type=order_type,
        delivery_region=region,
        lines=tuple(
            OrderLine(line_no=n, sku=sku, quantity=q) for n, (sku, q) in enumerate(lines, 1)
        ),
    )
