"""One order's fulfilment as logistics knows it: inputs noted, shipments and returns; ``evolve``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from shared.events.base import DomainEvent
from shared.events.logistics import (
    CancellationNoted,
    ConfirmationNoted,
    Delivered,
    DeliveryDetailsNoted,
    GoodsAccepted,
    GoodsRejected,
    PrepaymentNoted,
    PrepaymentStage,
    ReleaseNoted,
    ReservationNoted,
    ReturnAuthorized,
    ReturnReceived,
    ShipmentCancelled,
    ShipmentDelayed,
    ShipmentPlanned,
    ShipmentStatusUpdated,
    Shipped,
)
from shared.events.values import OrderLine


class ShipmentStage(StrEnum):
    """A shipment's place in its life: planned → shipped → in_transit → delivered → inspected."""

    PLANNED = "planned"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


MOVING = frozenset({ShipmentStage.SHIPPED, ShipmentStage.IN_TRANSIT})
INSPECTED = frozenset(
    {ShipmentStage.ACCEPTED, ShipmentStage.PARTIALLY_ACCEPTED, ShipmentStage.REJECTED}
)


@dataclass(frozen=True)
class Shipment:
    shipment_id: UUID
    warehouse_id: UUID
    lines: tuple[OrderLine, ...]
    stage: ShipmentStage = ShipmentStage.PLANNED
    carrier_id: UUID | None = None
    eta: datetime | None = None


@dataclass(frozen=True)
class Return:
    return_id: UUID
    shipment_id: UUID
    warehouse_id: UUID
    lines: tuple[OrderLine, ...]
    received: bool = False


AllocationKey = tuple[int, str, UUID]
"""(line number, SKU, warehouse id)."""


@dataclass(frozen=True)
class Fulfilment:
    """Allocations are net reserved units per key, in the order inventory first named them."""

    order_id: UUID | None = None
    buyer_id: UUID | None = None
    supplier_id: UUID | None = None
    delivery_region: str | None = None
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None
    allocations: dict[AllocationKey, int] = field(default_factory=dict)
    noted_causes: frozenset[UUID] = frozenset()
    confirmed: tuple[OrderLine, ...] | None = None
    delivery_date: date | None = None
    planned: bool = False
    cancelled: bool = False
    shipments: dict[UUID, Shipment] = field(default_factory=dict)
    returns: dict[UUID, Return] = field(default_factory=dict)
    prepayment: PrepaymentStage | None = None
    prepayment_invoice: UUID | None = None

    @property
    def awaiting_prepayment(self) -> bool:
        return self.prepayment in (PrepaymentStage.AWAITED, PrepaymentStage.INVOICED)


def _with_shipment(state: Fulfilment, shipment_id: UUID, **changes: object) -> Fulfilment:
    shipments = dict(state.shipments)
    shipments[shipment_id] = replace(shipments[shipment_id], **changes)  # type: ignore[arg-type]
    return replace(state, shipments=shipments)


def _noted(state: Fulfilment, cause: UUID, **changes: object) -> Fulfilment:
    return replace(state, noted_causes=state.noted_causes | {cause}, **changes)  # type: ignore[arg-type]


def _allocate(state: Fulfilment, event: ReservationNoted | ReleaseNoted) -> Fulfilment:
    allocations = dict(state.allocations)
    sign = 1 if isinstance(event, ReservationNoted) else -1
    items = event.allocations if isinstance(event, ReservationNoted) else event.releases
    for item in items:
        key = (item.line_no, item.sku, item.warehouse_id)
        allocations[key] = allocations.get(key, 0) + sign * item.quantity
    kept = {key: quantity for key, quantity in allocations.items() if quantity > 0}
    region = event.delivery_region if isinstance(event, ReservationNoted) else None
    return _noted(
        state,
        event.source_event_id,
        order_id=event.order_id,
        allocations=kept,
        delivery_region=state.delivery_region or region,
    )


def _inspected(state: Fulfilment, event: GoodsAccepted | GoodsRejected) -> Fulfilment:
    shipment = state.shipments[event.shipment_id]
    accepted_before = shipment.stage in (ShipmentStage.ACCEPTED, ShipmentStage.PARTIALLY_ACCEPTED)
    if isinstance(event, GoodsAccepted):
        stage = ShipmentStage.ACCEPTED
    elif accepted_before:
        stage = ShipmentStage.PARTIALLY_ACCEPTED
    else:
        stage = ShipmentStage.REJECTED
    return _with_shipment(state, event.shipment_id, stage=stage)


def evolve(state: Fulfilment, event: DomainEvent) -> Fulfilment:
    match event:
        case (
            DeliveryDetailsNoted()
            | ReservationNoted()
            | ReleaseNoted()
            | ConfirmationNoted()
            | PrepaymentNoted()
            | CancellationNoted()
        ):
            return _note(state, event)
        case ReturnAuthorized():
            returns = dict(state.returns)
            returns[event.return_id] = Return(
                event.return_id, event.shipment_id, event.warehouse_id, event.lines
            )
            return replace(state, returns=returns)
        case ReturnReceived():
            returns = dict(state.returns)
            returns[event.return_id] = replace(returns[event.return_id], received=True)
            return replace(state, returns=returns)
    return _shipment_event(state, event)


_Noted = (
    DeliveryDetailsNoted
    | ReservationNoted
    | ReleaseNoted
    | ConfirmationNoted
    | PrepaymentNoted
    | CancellationNoted
)


def _note(state: Fulfilment, event: _Noted) -> Fulfilment:
    """What another service decided about the order, as logistics noted it."""
    match event:
        case DeliveryDetailsNoted():
            return replace(
                state,
                order_id=event.order_id,
                buyer_id=event.buyer_id,
                supplier_id=event.supplier_id,
                delivery_region=event.delivery_region,
                delivery_address_id=event.delivery_address_id,
                requested_delivery_date=event.requested_delivery_date,
            )
        case ReservationNoted() | ReleaseNoted():
            return _allocate(state, event)
        case ConfirmationNoted():
            return _noted(
                state,
                event.source_event_id,
                order_id=event.order_id,
                confirmed=event.lines,
                delivery_date=event.delivery_date,
            )
        case PrepaymentNoted(stage=stage, invoice_id=invoice_id):
            invoice = invoice_id or state.prepayment_invoice
            return _noted(
                state,
                event.source_event_id,
                order_id=event.order_id,
                prepayment=stage,
                prepayment_invoice=invoice,
            )
        case CancellationNoted():
            return _noted(state, event.source_event_id, order_id=event.order_id, cancelled=True)
    return state


def _shipment_event(state: Fulfilment, event: DomainEvent) -> Fulfilment:
    """A shipment planned, cancelled, moving, delivered or inspected."""
    match event:
        case ShipmentPlanned():
            shipments = dict(state.shipments)
            shipments[event.shipment_id] = Shipment(
                event.shipment_id, event.warehouse_id, event.lines
            )
            return replace(state, order_id=event.order_id, planned=True, shipments=shipments)
        case ShipmentCancelled():
            return _with_shipment(state, event.shipment_id, stage=ShipmentStage.CANCELLED)
        case Shipped():
            return _with_shipment(
                state,
                event.shipment_id,
                stage=ShipmentStage.SHIPPED,
                carrier_id=event.carrier_id,
                eta=event.eta,
            )
        case ShipmentStatusUpdated():
            eta = event.eta or state.shipments[event.shipment_id].eta
            return _with_shipment(state, event.shipment_id, stage=ShipmentStage.IN_TRANSIT, eta=eta)
        case ShipmentDelayed():
            return _with_shipment(state, event.shipment_id, eta=event.new_eta)
        case Delivered():
            return _with_shipment(state, event.shipment_id, stage=ShipmentStage.DELIVERED)
        case GoodsAccepted() | GoodsRejected():
            return _inspected(state, event)
    return state  # ShipmentDamaged changes nothing logistics decides on
