"""Upstream events for the payment API tests, appended straight into their owners' stores."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import httpx

from runtime.embedded import EmbeddedSystem
from shared.events.base import DomainEvent, Money
from shared.events.envelope import new_event_id
from shared.events.logistics import GoodsAccepted
from shared.events.order import OrderConfirmed, OrderPlaced
from shared.events.values import AgreedLine, OrderLine, OrderType
from shared.service.codec import to_new_event
from tests.helpers import eventually


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


async def emit(
    system: EmbeddedSystem,
    service: str,
    stream: str,
    event: DomainEvent,
    order_id: UUID,
    at: datetime | None = None,
) -> None:
    new = to_new_event(
        event,
        event_id=new_event_id(),
        occurred_at=at or datetime.now(UTC),
        correlation_id=order_id,
        causation_id=None,
        actor="test",
    )
    await system.services[service].context.store.append(stream, [new])


async def agreed_order(
    system: EmbeddedSystem, supplier: UUID, buyer: UUID, price: str = "2.50"
) -> UUID:
    """An order placed and confirmed at ``price`` per unit for 10 of line 1 and 4 of line 2."""
    order = uuid4()
    placed = OrderPlaced(
        order_id=order,
        buyer_id=buyer,
        supplier_id=supplier,
        order_type=OrderType.REGULAR,
        lines=(
            OrderLine(line_no=1, sku="A-1", quantity=10),
            OrderLine(line_no=2, sku="B-2", quantity=4),
        ),
        delivery_region="north",
    )
    confirmed = OrderConfirmed(
        order_id=order,
        lines=(
            AgreedLine(line_no=1, sku="A-1", quantity=10, unit_price=eur(price)),
            AgreedLine(line_no=2, sku="B-2", quantity=4, unit_price=eur("10.00")),
        ),
        total=eur(str(Decimal(price) * 10 + 40)),
    )
    await emit(system, "order", f"order-{order}", placed, order)
    await emit(system, "order", f"order-{order}", confirmed, order)
    return order


async def accept(
    system: EmbeddedSystem,
    order: UUID,
    lines: tuple[tuple[int, str, int], ...] = ((1, "A-1", 8),),
    at: datetime | None = None,
    shipment: UUID | None = None,
) -> UUID:
    shipment = shipment or uuid4()
    event = GoodsAccepted(
        order_id=order,
        shipment_id=shipment,
        lines=tuple(OrderLine(line_no=n, sku=s, quantity=q) for n, s, q in lines),
    )
    await emit(system, "logistics", f"acceptance-{shipment}", event, order, at)
    return shipment


async def invoice_of(client: httpx.AsyncClient, order: UUID, count: int = 1) -> dict[str, Any]:
    async def probe() -> list[dict[str, Any]]:
        answer = await client.get("/api/v1/invoices", params={"order_id": str(order)})
        found: list[dict[str, Any]] = answer.json()
        return found

    found = await eventually(probe, lambda rows: len(rows) >= count, what="invoice issued")
    return found[0]


async def invoice_status(client: httpx.AsyncClient, invoice_id: str, position: int) -> Any:
    answer = await client.get(f"/api/v1/invoices/{invoice_id}", params={"min_position": position})
    assert answer.status_code == 200, answer.text
    return answer.json()
