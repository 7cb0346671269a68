"""A shipment's life after planning: ship, carrier reports, delivery."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.logistics.domain.commands import (
    RecordDamage,
    RecordDelay,
    RecordDelivery,
    RecordTracking,
    ShippingCommand,
    ShipShipment,
)
from services.logistics.domain.errors import (
    AwaitingPrepayment,
    InvalidLines,
    ShipmentAlreadyDelivered,
    ShipmentAlreadyShipped,
    ShipmentWasCancelled,
    UnknownShipment,
)
from services.logistics.domain.state import MOVING, Fulfilment, Shipment, ShipmentStage
from shared.events.base import DomainEvent
from shared.events.logistics import (
    Delivered,
    ShipmentDamaged,
    ShipmentDelayed,
    ShipmentStatusUpdated,
    Shipped,
)


def shipment_of(state: Fulfilment, shipment_id: UUID) -> Shipment:
    shipment = state.shipments.get(shipment_id)
    if shipment is None:
        raise UnknownShipment(f"shipment {shipment_id} does not exist")
    return shipment


def _ship(command: ShipShipment, state: Fulfilment, now: datetime) -> list[DomainEvent]:
    shipment = shipment_of(state, command.shipment_id)
    if command.supplier_id is not None:
        if state.supplier_id != command.supplier_id:
            raise UnknownShipment(f"shipment {shipment.shipment_id} does not exist")  # not yours
    elif shipment.warehouse_id != command.warehouse_id:
        raise UnknownShipment(f"shipment {shipment.shipment_id} does not exist")  # not yours
    if shipment.stage is ShipmentStage.CANCELLED:
        raise ShipmentWasCancelled(f"shipment {shipment.shipment_id} was cancelled")
    if state.awaiting_prepayment:
        invoice = state.prepayment_invoice
        raise AwaitingPrepayment(
            f"order {state.order_id} is on prepaid terms: its goods ship once "
            + (f"invoice {invoice} is paid" if invoice else "its prepayment invoice is paid")
        )
    if shipment.stage is not ShipmentStage.PLANNED:
        raise ShipmentAlreadyShipped(f"shipment {shipment.shipment_id} is {shipment.stage}")
    assert state.order_id is not None
    return [
        Shipped(
            shipment_id=shipment.shipment_id,
            order_id=state.order_id,
            warehouse_id=shipment.warehouse_id,
            carrier_id=command.carrier_id,
            tracking_number=command.tracking_number,
            lines=shipment.lines,
            shipped_at=now,
            eta=command.eta,
        )
    ]


def moving_shipment(state: Fulfilment, shipment_id: UUID, carrier_id: UUID) -> Shipment:
    """The shipment a carrier reports on: it must be that carrier's and on its way."""
    shipment = shipment_of(state, shipment_id)
    if shipment.carrier_id != carrier_id:
        # Another carrier's shipment, or one not handed to a carrier yet (planned, cancelled),
        # is none of its business: answered as a shipment that does not exist, as a read is.
        raise UnknownShipment(f"shipment {shipment_id} does not exist")
    if shipment.stage not in MOVING:
        raise ShipmentAlreadyDelivered(f"shipment {shipment_id} is {shipment.stage}")
    return shipment


def _damage(command: RecordDamage, state: Fulfilment) -> list[DomainEvent]:
    shipment = shipment_of(state, command.shipment_id)
    # Damage found on unloading, before the buyer's inspection, is still the carrier's to report.
    unloaded = (
        shipment.stage is ShipmentStage.DELIVERED and shipment.carrier_id == command.carrier_id
    )
    if not unloaded:
        moving_shipment(state, command.shipment_id, command.carrier_id)
    shipped = {line.line_no: line for line in shipment.lines}
    for index, line in enumerate(command.lines):
        match = shipped.get(line.line_no)
        if match is None or match.sku != line.sku or line.quantity > match.quantity:
            raise InvalidLines(
                f"line {line.line_no} ({line.sku}) is not in the shipment in that quantity",
                field=f"lines[{index}]",
            )
    assert state.order_id is not None
    return [
        ShipmentDamaged(
            shipment_id=shipment.shipment_id, order_id=state.order_id, lines=command.lines
        )
    ]


def decide_shipping(
    command: ShippingCommand, state: Fulfilment, now: datetime
) -> list[DomainEvent]:
    if isinstance(command, ShipShipment):
        return _ship(command, state, now)
    if isinstance(command, RecordDamage):
        return _damage(command, state)
    shipment = moving_shipment(state, command.shipment_id, command.carrier_id)
    order_id = state.order_id
    assert order_id is not None
    match command:
        case RecordTracking():
            return [
                ShipmentStatusUpdated(
                    shipment_id=shipment.shipment_id,
                    order_id=order_id,
                    status=command.status,
                    reported_at=command.reported_at,
                    location=command.location,
                    eta=command.eta,
                )
            ]
        case RecordDelay():
            return [
                ShipmentDelayed(
                    shipment_id=shipment.shipment_id,
                    order_id=order_id,
                    reason=command.reason,
                    new_eta=command.new_eta,
                    previous_eta=shipment.eta,
                )
            ]
        case RecordDelivery():
            return [
                Delivered(
                    shipment_id=shipment.shipment_id,
                    order_id=order_id,
                    delivered_at=command.delivered_at,
                    received_by=command.received_by,
                )
            ]
    return []
