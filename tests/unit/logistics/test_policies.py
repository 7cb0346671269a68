"""Policies turn upstream facts into fulfilment commands (confirmed quantities, not ordered)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from services.logistics.domain.commands import NoteCancellation, NoteConfirmation, NoteReservation
from services.logistics.reactions import inventory_command, order_command
from shared.events.base import DomainEvent, Money
from shared.events.envelope import Envelope
from shared.events.inventory import RoutingCandidate, RoutingDecision, StockReserved
from shared.events.order import OrderCancelled, OrderConfirmed, OrderRejected, RejectionCode
from shared.events.values import AgreedLine, Allocation, OrderType, Party
from tests.unit.logistics.fixtures import NORTH, ORDER, line


def envelope(event: DomainEvent) -> Envelope:
    return Envelope(
        event_id=uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=f"order-{ORDER}",
        stream_version=1,
        position=1,
        occurred_at=datetime.now(UTC),
        correlation_id=ORDER,
        event=event,
    )


def test_order_confirmed_becomes_a_confirmation_of_the_agreed_quantities() -> None:
    price = Money(amount=Decimal("1.00"), currency="EUR")
    event = OrderConfirmed(
        order_id=ORDER,
        lines=(AgreedLine(line_no=1, sku="A", quantity=7, unit_price=price),),
        total=Money(amount=Decimal("7.00"), currency="EUR"),
    )
    cause = envelope(event)
    assert order_command(cause) == NoteConfirmation(ORDER, cause.event_id, (line(1, "A", 7),))


def test_cancellation_and_rejection_both_close_the_fulfilment() -> None:
    cancelled = OrderCancelled(order_id=ORDER, reason="late", cancelled_by=Party.BUYER)
    rejected = OrderRejected(
        order_id=ORDER, code=RejectionCode.OTHER, reason="no", rejected_by=Party.SUPPLIER
    )
    assert isinstance(order_command(envelope(cancelled)), NoteCancellation)
    assert isinstance(order_command(envelope(rejected)), NoteCancellation)


def test_stock_reserved_carries_the_routing_region() -> None:
    allocations = (Allocation(line_no=1, sku="A", warehouse_id=NORTH, quantity=3),)
    candidate = RoutingCandidate(
        warehouse_id=NORTH,
        serves_region=True,
        speed_rank=1,
        lead_time_days=0,
        available=(),
        chosen=True,
    )
    routing = RoutingDecision(
        rule="r",
        order_type=OrderType.URGENT,
        delivery_region="south",
        candidates=(candidate,),
        reason="fastest",
    )
    cause = envelope(StockReserved(order_id=ORDER, allocations=allocations, routing=routing))
    assert inventory_command(cause) == NoteReservation(ORDER, cause.event_id, allocations, "south")
