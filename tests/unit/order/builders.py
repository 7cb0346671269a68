"""Small builders for the order tests: ids, money, placed and priced orders."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from services.order.domain.commands import PlaceOrder, ProductRules
from shared.events.base import Money
from shared.events.order import OrderPlaced, OrderReadyForConfirmation
from shared.events.pricing import PricedLine
from shared.events.values import AgreedLine, OrderLine, OrderType

ORDER = UUID("00000000-0000-7000-8000-000000000001")
BUYER = UUID("00000000-0000-7000-8000-000000000002")
SUPPLIER = UUID("00000000-0000-7000-8000-000000000003")
CATALOG = {"BOLT-10": ProductRules(pack_size=6, min_order_qty=12), "NUT-5": ProductRules(1, 1)}


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def place(*lines: tuple[str, int], order_type: OrderType = OrderType.REGULAR) -> PlaceOrder:
    return PlaceOrder(
        order_id=ORDER,
        buyer_id=BUYER,
        supplier_id=SUPPLIER,
        order_type=order_type,
        lines=tuple(
            OrderLine(line_no=i + 1, sku=sku, quantity=qty) for i, (sku, qty) in enumerate(lines)
        ),
        delivery_region="north",
        catalog=CATALOG,
    )


def placed(order_type: OrderType = OrderType.REGULAR) -> OrderPlaced:
    return OrderPlaced(
        order_id=ORDER,
        buyer_id=BUYER,
        supplier_id=SUPPLIER,
        order_type=order_type,
        lines=(OrderLine(line_no=1, sku="BOLT-10", quantity=12),),
        delivery_region="north",
    )


AGREED = (AgreedLine(line_no=1, sku="BOLT-10", quantity=12, unit_price=eur("2.50")),)
PRICED_LINES = (
    PricedLine(
        line_no=1,
        sku="BOLT-10",
        quantity=12,
        list_unit_price=eur("3.00"),
        net_unit_price=eur("2.50"),
        line_total=eur("30.00"),
    ),
)


def ready() -> OrderReadyForConfirmation:
    return OrderReadyForConfirmation(order_id=ORDER, lines=AGREED, total=eur("30.00"))


def new_id() -> UUID:
    return uuid4()
