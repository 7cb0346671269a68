"""Shipping and carrier reports: the shipment's state machine and who may move it."""

from __future__ import annotations

from uuid import uuid4

import pytest

from services.logistics.domain import errors
from services.logistics.domain.commands import (
    RecordDamage,
    RecordDelay,
    RecordDelivery,
    RecordTracking,
    ShipShipment,
)
from services.logistics.domain.decide import fulfilment_decider
from shared.events.logistics import (
    DamagedLine,
    Delivered,
    ShipmentCancelled,
    ShipmentDamaged,
    ShipmentDelayed,
    ShipmentStatus,
    ShipmentStatusUpdated,
    Shipped,
)
from shared.service.testing import Scenario
from tests.unit.logistics.fixtures import (
    CARRIER,
    LATER,
    NORTH,
    NORTH_SHIPMENT,
    NOW,
    ORDER,
    SOUTH,
    SUPPLIER,
    allocation,
    confirmed,
    delivered,
    details,
    line,
    planned,
    reserved,
    shipped,
)

LINES = (line(1, "A", 5),)
PLANNED = [
    details(),
    reserved(allocation(1, "A", NORTH, 5)),
    confirmed(*LINES),
    planned(NORTH, *LINES),
]
SHIPPED = [*PLANNED, shipped(NORTH, *LINES)]


def scenario(*given: object) -> Scenario:  # type: ignore[type-arg]
    return Scenario(fulfilment_decider, now=NOW).given(*given)


def test_the_shipments_warehouse_ships_it_with_a_carrier() -> None:
    scenario(*PLANNED).when(ShipShipment(NORTH_SHIPMENT, NORTH, CARRIER, "TRK-1", LATER)).then(
        Shipped(
            shipment_id=NORTH_SHIPMENT,
            order_id=ORDER,
            warehouse_id=NORTH,
            carrier_id=CARRIER,
            tracking_number="TRK-1",
            lines=LINES,
            shipped_at=NOW,
            eta=LATER,
        )
    )


def test_another_warehouse_cannot_ship_it() -> None:
    scenario(*PLANNED).when(ShipShipment(NORTH_SHIPMENT, SOUTH, CARRIER, "T")).then_raises(
        errors.UnknownShipment
    )


def test_the_orders_supplier_ships_it_for_its_warehouse() -> None:
    command = ShipShipment(NORTH_SHIPMENT, None, CARRIER, "TRK-2", supplier_id=SUPPLIER)
    scenario(*PLANNED).when(command).then(
        Shipped(
            shipment_id=NORTH_SHIPMENT,
            order_id=ORDER,
            warehouse_id=NORTH,
            carrier_id=CARRIER,
            tracking_number="TRK-2",
            lines=LINES,
            shipped_at=NOW,
        )
    )


def test_another_supplier_cannot_ship_it() -> None:
    command = ShipShipment(NORTH_SHIPMENT, None, CARRIER, "T", supplier_id=uuid4())
    scenario(*PLANNED).when(command).then_raises(errors.UnknownShipment)


def test_a_cancelled_shipment_cannot_ship() -> None:
    cancelled = ShipmentCancelled(
        shipment_id=NORTH_SHIPMENT, order_id=ORDER, warehouse_id=NORTH, reason="cancelled"
    )
    scenario(*PLANNED, cancelled).when(
        ShipShipment(NORTH_SHIPMENT, NORTH, CARRIER, "T")
    ).then_raises(errors.ShipmentWasCancelled)


def test_a_shipment_ships_once() -> None:
    scenario(*SHIPPED).when(ShipShipment(NORTH_SHIPMENT, NORTH, CARRIER, "T")).then_raises(
        errors.ShipmentAlreadyShipped
    )


def test_an_unknown_shipment_is_reported() -> None:
    scenario(*PLANNED).when(ShipShipment(uuid4(), NORTH, CARRIER, "T")).then_raises(
        errors.UnknownShipment
    )


def test_the_carrier_reports_progress_with_location_and_eta() -> None:
    scenario(*SHIPPED).when(
        RecordTracking(NORTH_SHIPMENT, CARRIER, ShipmentStatus.AT_HUB, NOW, "Lyon hub", LATER)
    ).then(
        ShipmentStatusUpdated(
            shipment_id=NORTH_SHIPMENT,
            order_id=ORDER,
            status=ShipmentStatus.AT_HUB,
            reported_at=NOW,
            location="Lyon hub",
            eta=LATER,
        )
    )


def test_tracking_before_shipping_is_refused_as_for_an_unknown_shipment() -> None:
    # Not handed to any carrier yet: no carrier may report on it, nor learn its stage.
    scenario(*PLANNED).when(
        RecordTracking(NORTH_SHIPMENT, CARRIER, ShipmentStatus.IN_TRANSIT, NOW)
    ).then_raises(errors.UnknownShipment)


def test_another_carrier_cannot_report() -> None:
    scenario(*SHIPPED).when(
        RecordTracking(NORTH_SHIPMENT, uuid4(), ShipmentStatus.IN_TRANSIT, NOW)
    ).then_raises(errors.UnknownShipment)


def test_a_delay_keeps_the_previous_eta() -> None:
    with_eta = shipped(NORTH, *LINES).model_copy(update={"eta": NOW})
    scenario(*PLANNED, with_eta).when(RecordDelay(NORTH_SHIPMENT, CARRIER, "storm", LATER)).then(
        ShipmentDelayed(
            shipment_id=NORTH_SHIPMENT,
            order_id=ORDER,
            reason="storm",
            new_eta=LATER,
            previous_eta=NOW,
        )
    )


def test_damage_names_lines_of_the_shipment() -> None:
    damaged = (DamagedLine(line_no=1, sku="A", quantity=2, description="crushed"),)
    scenario(*SHIPPED).when(RecordDamage(NORTH_SHIPMENT, CARRIER, damaged)).then(
        ShipmentDamaged(shipment_id=NORTH_SHIPMENT, order_id=ORDER, lines=damaged)
    )


def test_damage_beyond_the_shipped_quantity_names_the_line() -> None:
    damaged = (DamagedLine(line_no=1, sku="A", quantity=9, description="crushed"),)
    error = (
        scenario(*SHIPPED)
        .when(RecordDamage(NORTH_SHIPMENT, CARRIER, damaged))
        .then_raises(errors.InvalidLines)
    )
    assert error.field == "lines[0]"


def test_the_carrier_reports_delivery() -> None:
    scenario(*SHIPPED).when(RecordDelivery(NORTH_SHIPMENT, CARRIER, LATER, "Ms Chen")).then(
        Delivered(
            shipment_id=NORTH_SHIPMENT, order_id=ORDER, delivered_at=LATER, received_by="Ms Chen"
        )
    )


@pytest.mark.parametrize(
    "command",
    [
        RecordDelivery(NORTH_SHIPMENT, CARRIER, LATER),
        RecordTracking(NORTH_SHIPMENT, CARRIER, ShipmentStatus.IN_TRANSIT, NOW),
        RecordDelay(NORTH_SHIPMENT, CARRIER, "late", LATER),
    ],
)
def test_nothing_moves_after_delivery(command: object) -> None:
    scenario(*SHIPPED, delivered(NORTH)).when(command).then_raises(errors.ShipmentAlreadyDelivered)
