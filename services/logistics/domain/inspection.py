"""The buyer's inspection of a delivered shipment, and the return of what it rejected.

Every rejection authorises a return to the shipping warehouse. With the remedy
``replacement`` a replacement shipment of the rejected quantities is planned at once,
from the same warehouse (its id derives from the rejected shipment's id).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.logistics.domain.commands import InspectedLine, InspectGoods, ReceiveReturn
from services.logistics.domain.errors import (
    GoodsAlreadyInspected,
    InvalidLines,
    RemedyRequired,
    ReturnAlreadyReceived,
    ShipmentNotDelivered,
    UnknownReturn,
    UnknownShipment,
)
from services.logistics.domain.ids import replacement_shipment_id, return_id_for
from services.logistics.domain.shipping import shipment_of
from services.logistics.domain.state import INSPECTED, Fulfilment, Shipment, ShipmentStage
from shared.events.base import DomainEvent
from shared.events.logistics import (
    GoodsAccepted,
    GoodsRejected,
    RejectedLine,
    Remedy,
    ReturnAuthorized,
    ReturnReceived,
    ShipmentPlanned,
)
from shared.events.values import OrderLine


def _check_lines(shipment: Shipment, lines: tuple[InspectedLine, ...]) -> None:
    shipped = {line.line_no: line for line in shipment.lines}
    seen: set[int] = set()
    for index, line in enumerate(lines):
        match = shipped.get(line.line_no)
        if match is None or match.sku != line.sku or line.line_no in seen:
            raise InvalidLines(
                f"line {line.line_no} ({line.sku}) is not in the shipment, or is repeated",
                field=f"lines[{index}]",
            )
        if line.accepted + line.rejected != match.quantity:
            raise InvalidLines(
                f"line {line.line_no}: accepted {line.accepted} + rejected {line.rejected} "
                f"must equal the {match.quantity} shipped",
                field=f"lines[{index}]",
            )
        if line.rejected and not line.reason:
            raise InvalidLines(
                f"line {line.line_no}: say why units are rejected", field=f"lines[{index}].reason"
            )
        seen.add(line.line_no)
    missing = sorted(set(shipped) - seen)
    if missing:
        raise InvalidLines(f"lines {missing} of the shipment are not inspected", field="lines")


def decide_inspection(command: InspectGoods, state: Fulfilment) -> list[DomainEvent]:
    shipment = shipment_of(state, command.shipment_id)
    if state.buyer_id is not None and state.buyer_id != command.buyer_id:
        raise UnknownShipment(f"shipment {shipment.shipment_id} does not exist")  # not yours
    if shipment.stage in INSPECTED:
        raise GoodsAlreadyInspected(f"shipment {shipment.shipment_id} was already inspected")
    if shipment.stage is not ShipmentStage.DELIVERED:
        raise ShipmentNotDelivered(f"shipment {shipment.shipment_id} is {shipment.stage}")
    _check_lines(shipment, command.lines)
    order_id = state.order_id
    assert order_id is not None
    accepted = tuple(
        OrderLine(line_no=line.line_no, sku=line.sku, quantity=line.accepted)
        for line in command.lines
        if line.accepted
    )
    rejected = tuple(
        RejectedLine(
            line_no=line.line_no, sku=line.sku, quantity=line.rejected, reason=line.reason or ""
        )
        for line in command.lines
        if line.rejected
    )
    events: list[DomainEvent] = []
    if accepted:
        events.append(
            GoodsAccepted(order_id=order_id, shipment_id=shipment.shipment_id, lines=accepted)
        )
    if rejected:
        if command.remedy is None:
            raise RemedyRequired("choose a remedy for the rejected units")
        events.extend(_reject(state, order_id, shipment, rejected, command.remedy))
    return events


def _reject(
    state: Fulfilment,
    order_id: UUID,
    shipment: Shipment,
    rejected: tuple[RejectedLine, ...],
    remedy: Remedy,
) -> list[DomainEvent]:
    returned = tuple(
        OrderLine(line_no=line.line_no, sku=line.sku, quantity=line.quantity) for line in rejected
    )
    events: list[DomainEvent] = [
        GoodsRejected(
            order_id=order_id, shipment_id=shipment.shipment_id, lines=rejected, remedy=remedy
        ),
        ReturnAuthorized(
            return_id=return_id_for(shipment.shipment_id),
            order_id=order_id,
            shipment_id=shipment.shipment_id,
            warehouse_id=shipment.warehouse_id,
            lines=returned,
            remedy=remedy,
        ),
    ]
    if remedy is Remedy.REPLACEMENT:
        assert state.delivery_region is not None
        events.append(
            ShipmentPlanned(
                shipment_id=replacement_shipment_id(shipment.shipment_id),
                order_id=order_id,
                warehouse_id=shipment.warehouse_id,
                lines=returned,
                delivery_region=state.delivery_region,
                delivery_address_id=state.delivery_address_id,
            )
        )
    return events


def decide_return(command: ReceiveReturn, state: Fulfilment, now: datetime) -> list[DomainEvent]:
    authorised = state.returns.get(command.return_id)
    if authorised is None:
        raise UnknownReturn(f"return {command.return_id} does not exist")
    if authorised.warehouse_id != command.warehouse_id:
        raise UnknownReturn(f"return {command.return_id} does not exist")  # not yours
    if authorised.received:
        raise ReturnAlreadyReceived(f"return {authorised.return_id} was already received")
    expected = {line.line_no: line for line in authorised.lines}
    counted: dict[int, int] = {}
    for index, line in enumerate(command.lines):
        match = expected.get(line.line_no)
        counted[line.line_no] = counted.get(line.line_no, 0) + line.quantity
        if match is None or match.sku != line.sku or counted[line.line_no] > match.quantity:
            raise InvalidLines(
                f"line {line.line_no} ({line.sku}) was not authorised for return in that quantity",
                field=f"lines[{index}]",
            )
    assert state.order_id is not None
    return [
        ReturnReceived(
            return_id=authorised.return_id,
            order_id=state.order_id,
            warehouse_id=authorised.warehouse_id,
            lines=command.lines,
        )
    ]
