"""Placing an order: every line must respect the supplier's catalog (SKU, pack size, MOQ)."""

from __future__ import annotations

from shared.events.order import OrderPlaced, OrderRejected, RejectionCode
from shared.events.values import Party

from .commands import PlaceOrder
from .errors import InvalidOrderLine, OrderAlreadyPlaced
from .state import OrderState, Phase


def check_lines(command: PlaceOrder) -> None:
    """Raise InvalidOrderLine naming the first line field that breaks a catalog rule."""
    for index, line in enumerate(command.lines):
        rules = command.catalog.get(line.sku)
        if rules is None:
            raise InvalidOrderLine(
                f"lines[{index}].sku", f"unknown SKU {line.sku} in this supplier's catalog"
            )
        if not rules.active:
            raise InvalidOrderLine(f"lines[{index}].sku", f"SKU {line.sku} is no longer sold")
        if line.quantity < rules.min_order_qty:
            raise InvalidOrderLine(
                f"lines[{index}].quantity",
                f"must be at least the minimum order quantity {rules.min_order_qty}",
            )
        if line.quantity % rules.pack_size:
            raise InvalidOrderLine(
                f"lines[{index}].quantity",
                f"must be a multiple of the pack size {rules.pack_size}",
            )


def place(command: PlaceOrder, state: OrderState) -> list[OrderPlaced | OrderRejected]:
    if state.phase is not Phase.NEW:
        raise OrderAlreadyPlaced(f"order {command.order_id} exists already")
    try:
        check_lines(command)
    except InvalidOrderLine as broken:
        if not command.record_refusal:
            raise
        return [_placed(command), _refused(command, str(broken))]
    return [_placed(command)]


def _refused(command: PlaceOrder, reason: str) -> OrderRejected:
    return OrderRejected(
        order_id=command.order_id,
        code=RejectionCode.OTHER,
        reason=f"the agreed lines no longer fit the catalog: {reason}",
        rejected_by=Party.SYSTEM,
    )


def _placed(command: PlaceOrder) -> OrderPlaced:
    return OrderPlaced(
        order_id=command.order_id,
        buyer_id=command.buyer_id,
        supplier_id=command.supplier_id,
        order_type=command.order_type,
        lines=command.lines,
        delivery_region=command.delivery_region,
        delivery_address_id=command.delivery_address_id,
        requested_delivery_date=command.requested_delivery_date,
        coupon_code=command.coupon_code,
        buyer_reference=command.buyer_reference,
        agreed_prices=command.agreed_prices,
        source=command.source,
        placed_by=command.placed_by,
    )
