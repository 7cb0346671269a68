"""Planning: note the order's inputs (from order and inventory) and plan shipments once
both the confirmation and a reservation covering it are known, in whichever order they came."""

from __future__ import annotations

from uuid import UUID

from services.logistics.domain.commands import (
    NoteCancellation,
    NoteConfirmation,
    NoteDeliveryDetails,
    NotePrepayment,
    NoteRelease,
    NoteReservation,
    PlanningCommand,
)
from services.logistics.domain.ids import shipment_id_for
from services.logistics.domain.state import Fulfilment, ShipmentStage, evolve
from shared.events.base import DomainEvent
from shared.events.logistics import (
    CancellationNoted,
    ConfirmationNoted,
    DeliveryDetailsNoted,
    PrepaymentNoted,
    PrepaymentStage,
    ReleaseNoted,
    ReservationNoted,
    ShipmentCancelled,
    ShipmentPlanned,
)
from shared.events.values import OrderLine


def decide_planning(command: PlanningCommand, state: Fulfilment) -> list[DomainEvent]:
    """Idempotent: a cause already noted yields nothing."""
    if isinstance(command, NoteDeliveryDetails):
        if state.buyer_id is not None:
            return []
        return [DeliveryDetailsNoted(**command.__dict__)]
    if command.cause_id in state.noted_causes:
        return []
    noted: DomainEvent
    match command:
        case NoteReservation():
            noted = ReservationNoted(
                order_id=command.order_id,
                source_event_id=command.cause_id,
                allocations=command.allocations,
                delivery_region=command.delivery_region,
            )
        case NoteRelease():
            noted = ReleaseNoted(
                order_id=command.order_id,
                source_event_id=command.cause_id,
                releases=command.releases,
            )
        case NoteConfirmation():
            noted = ConfirmationNoted(
                order_id=command.order_id,
                source_event_id=command.cause_id,
                lines=command.lines,
                delivery_date=command.delivery_date,
            )
            if command.prepaid and state.prepayment is None:
                awaited = PrepaymentNoted(
                    order_id=command.order_id,
                    source_event_id=command.cause_id,
                    stage=PrepaymentStage.AWAITED,
                )
                return [noted, awaited, *plan_shipments(evolve(evolve(state, noted), awaited))]
        case NotePrepayment():
            return _prepayment(command, state)
        case NoteCancellation():
            return [
                CancellationNoted(
                    order_id=command.order_id,
                    source_event_id=command.cause_id,
                    reason=command.reason,
                ),
                *_cancel_planned(state, command.order_id, command.reason),
            ]
    return [noted, *plan_shipments(evolve(state, noted))]


def _prepayment(command: NotePrepayment, state: Fulfilment) -> list[DomainEvent]:
    """Billed up front: shipping waits; paid: it may go. A settlement of another invoice, or
    news older than what is noted, changes nothing."""
    received = state.prepayment is PrepaymentStage.RECEIVED
    if command.stage is PrepaymentStage.RECEIVED:
        if received or state.prepayment_invoice != command.invoice_id:
            return []
    elif received or state.prepayment_invoice == command.invoice_id:
        return []
    return [
        PrepaymentNoted(
            order_id=command.order_id,
            source_event_id=command.cause_id,
            stage=command.stage,
            invoice_id=command.invoice_id,
        )
    ]


def _cancel_planned(state: Fulfilment, order_id: UUID, reason: str) -> list[DomainEvent]:
    return [
        ShipmentCancelled(
            shipment_id=shipment.shipment_id,
            order_id=order_id,
            warehouse_id=shipment.warehouse_id,
            reason=reason,
        )
        for shipment in state.shipments.values()
        if shipment.stage is ShipmentStage.PLANNED
    ]


def plan_shipments(state: Fulfilment) -> list[ShipmentPlanned]:
    """One ShipmentPlanned per warehouse once the reservation covers every confirmed line.

    Confirmed quantities win over the allocation (an amendment may have lowered them);
    a line confirmed above what is reserved waits for more stock (the order stays waiting).
    """
    ready = state.confirmed is not None and state.order_id is not None and state.delivery_region
    if not ready or state.planned or state.cancelled:
        return []
    per_warehouse: dict[UUID, list[OrderLine]] = {}
    for line in state.confirmed or ():
        remaining = line.quantity
        for (line_no, sku, warehouse_id), reserved in state.allocations.items():
            if line_no != line.line_no or sku != line.sku or remaining == 0:
                continue
            taken = min(reserved, remaining)
            remaining -= taken
            per_warehouse.setdefault(warehouse_id, []).append(
                OrderLine(line_no=line_no, sku=sku, quantity=taken)
            )
        if remaining > 0:
            return []
    order_id = state.order_id
    assert order_id is not None
    assert state.delivery_region is not None
    return [
        ShipmentPlanned(
            shipment_id=shipment_id_for(order_id, warehouse_id),
            order_id=order_id,
            warehouse_id=warehouse_id,
            lines=tuple(sorted(lines, key=lambda line: line.line_no)),
            delivery_region=state.delivery_region,
            delivery_address_id=state.delivery_address_id,
            ship_by=state.delivery_date or state.requested_delivery_date,
        )
        for warehouse_id, lines in per_warehouse.items()
    ]
