"""Inspection and returns: accept per line, reject with a remedy, return to the warehouse."""

from __future__ import annotations

from uuid import uuid4

from services.logistics.domain import errors
from services.logistics.domain.commands import InspectedLine, InspectGoods, ReceiveReturn
from services.logistics.domain.decide import fulfilment_decider
from services.logistics.domain.ids import replacement_shipment_id, return_id_for
from shared.events.logistics import (
    GoodsAccepted,
    GoodsRejected,
    ItemCondition,
    RejectedLine,
    Remedy,
    ReturnAuthorized,
    ReturnedLine,
    ReturnReceived,
    ShipmentPlanned,
)
from shared.service.testing import Scenario
from tests.unit.logistics.fixtures import (
    BUYER,
    NORTH,
    NORTH_SHIPMENT,
    ORDER,
    SOUTH,
    delivered_history,
    line,
)

RETURN = return_id_for(NORTH_SHIPMENT)
ALL_GOOD = (InspectedLine(1, "A", 10, 0), InspectedLine(2, "B", 4, 0))
TWO_BROKEN = (InspectedLine(1, "A", 8, 2, "broken seal"), InspectedLine(2, "B", 4, 0))


def scenario(*extra: object) -> Scenario:  # type: ignore[type-arg]
    return Scenario(fulfilment_decider).given(*delivered_history(), *extra)


def rejection(remedy: Remedy) -> list[object]:
    return scenario().when(InspectGoods(NORTH_SHIPMENT, BUYER, TWO_BROKEN, remedy)).then_events()


def test_the_buyer_accepts_everything() -> None:
    scenario().when(InspectGoods(NORTH_SHIPMENT, BUYER, ALL_GOOD)).then(
        GoodsAccepted(
            order_id=ORDER, shipment_id=NORTH_SHIPMENT, lines=(line(1, "A", 10), line(2, "B", 4))
        )
    )


def test_a_partial_rejection_accepts_the_rest_and_authorises_a_return() -> None:
    scenario().when(InspectGoods(NORTH_SHIPMENT, BUYER, TWO_BROKEN, Remedy.RETURN)).then(
        GoodsAccepted(
            order_id=ORDER, shipment_id=NORTH_SHIPMENT, lines=(line(1, "A", 8), line(2, "B", 4))
        ),
        GoodsRejected(
            order_id=ORDER,
            shipment_id=NORTH_SHIPMENT,
            lines=(RejectedLine(line_no=1, sku="A", quantity=2, reason="broken seal"),),
            remedy=Remedy.RETURN,
        ),
        ReturnAuthorized(
            return_id=RETURN,
            order_id=ORDER,
            shipment_id=NORTH_SHIPMENT,
            warehouse_id=NORTH,
            lines=(line(1, "A", 2),),
            remedy=Remedy.RETURN,
        ),
    )


def test_a_replacement_is_planned_from_the_same_warehouse() -> None:
    events = rejection(Remedy.REPLACEMENT)
    assert events[-1] == ShipmentPlanned(
        shipment_id=replacement_shipment_id(NORTH_SHIPMENT),
        order_id=ORDER,
        warehouse_id=NORTH,
        lines=(line(1, "A", 2),),
        delivery_region="north",
    )


def test_a_credit_note_plans_no_replacement() -> None:
    assert not any(isinstance(e, ShipmentPlanned) for e in rejection(Remedy.CREDIT_NOTE))


def test_goods_are_inspected_once() -> None:
    accepted = scenario().when(InspectGoods(NORTH_SHIPMENT, BUYER, ALL_GOOD)).then_events()
    scenario(*accepted).when(InspectGoods(NORTH_SHIPMENT, BUYER, ALL_GOOD)).then_raises(
        errors.GoodsAlreadyInspected
    )


def test_inspection_before_delivery_is_refused() -> None:
    history = delivered_history()[:-1]
    Scenario(fulfilment_decider).given(*history).when(
        InspectGoods(NORTH_SHIPMENT, BUYER, ALL_GOOD)
    ).then_raises(errors.ShipmentNotDelivered)


def test_quantities_must_add_up_to_the_shipped_quantity() -> None:
    lines = (InspectedLine(1, "A", 10, 0), InspectedLine(2, "B", 3, 0))
    error = (
        scenario()
        .when(InspectGoods(NORTH_SHIPMENT, BUYER, lines))
        .then_raises(errors.InvalidLines, match="line 2")
    )
    assert error.field == "lines[1]"


def test_every_shipped_line_must_be_inspected() -> None:
    lines = (InspectedLine(1, "A", 10, 0),)
    error = (
        scenario().when(InspectGoods(NORTH_SHIPMENT, BUYER, lines)).then_raises(errors.InvalidLines)
    )
    assert error.field == "lines"


def test_rejected_units_need_a_reason_and_a_remedy() -> None:
    no_reason = (InspectedLine(1, "A", 8, 2), InspectedLine(2, "B", 4, 0))
    error = (
        scenario()
        .when(InspectGoods(NORTH_SHIPMENT, BUYER, no_reason, Remedy.RETURN))
        .then_raises(errors.InvalidLines)
    )
    assert error.field == "lines[0].reason"
    scenario().when(InspectGoods(NORTH_SHIPMENT, BUYER, TWO_BROKEN)).then_raises(
        errors.RemedyRequired
    )


def test_another_buyer_cannot_inspect() -> None:
    scenario().when(InspectGoods(NORTH_SHIPMENT, uuid4(), ALL_GOOD)).then_raises(
        errors.UnknownShipment
    )


def test_the_warehouse_receives_the_return_once() -> None:
    returned = (
        ReturnedLine(line_no=1, sku="A", quantity=1, condition=ItemCondition.RESELLABLE),
        ReturnedLine(line_no=1, sku="A", quantity=1, condition=ItemCondition.DAMAGED),
    )
    received = ReturnReceived(return_id=RETURN, order_id=ORDER, warehouse_id=NORTH, lines=returned)
    authorised = rejection(Remedy.RETURN)
    scenario(*authorised).when(ReceiveReturn(RETURN, NORTH, returned)).then(received)
    scenario(*authorised, received).when(ReceiveReturn(RETURN, NORTH, returned)).then_raises(
        errors.ReturnAlreadyReceived
    )


def test_a_return_goes_to_its_warehouse_in_the_authorised_quantity() -> None:
    authorised = rejection(Remedy.RETURN)
    three = (ReturnedLine(line_no=1, sku="A", quantity=3, condition=ItemCondition.RESELLABLE),)
    scenario(*authorised).when(ReceiveReturn(RETURN, SOUTH, three)).then_raises(
        errors.UnknownReturn
    )
    scenario(*authorised).when(ReceiveReturn(RETURN, NORTH, three)).then_raises(errors.InvalidLines)
