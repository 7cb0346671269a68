"""Planning: one shipment per warehouse of the allocation once confirmation and reservation meet."""

from __future__ import annotations

from uuid import uuid4

from services.logistics.domain.commands import (
    NoteCancellation,
    NoteConfirmation,
    NoteDeliveryDetails,
    NoteRelease,
    NoteReservation,
)
from services.logistics.domain.decide import fulfilment_decider
from shared.events.logistics import (
    CancellationNoted,
    ConfirmationNoted,
    ReleaseNoted,
    ReservationNoted,
    ShipmentCancelled,
)
from shared.service.testing import Scenario
from tests.unit.logistics.fixtures import (
    BUYER,
    NORTH,
    NORTH_SHIPMENT,
    ORDER,
    SOUTH,
    SUPPLIER,
    allocation,
    confirmed,
    details,
    line,
    planned,
    reserved,
    shipped,
)


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(fulfilment_decider)


def test_plans_one_shipment_per_warehouse_when_confirmation_follows_reservation() -> None:
    cause = uuid4()
    allocations = (
        allocation(1, "A", NORTH, 6),
        allocation(1, "A", SOUTH, 4),
        allocation(2, "B", SOUTH, 2),
    )
    scenario().given(details(), reserved(*allocations)).when(
        NoteConfirmation(ORDER, cause, (line(1, "A", 10), line(2, "B", 2)))
    ).then(
        ConfirmationNoted(
            order_id=ORDER, source_event_id=cause, lines=(line(1, "A", 10), line(2, "B", 2))
        ),
        planned(NORTH, line(1, "A", 6)),
        planned(SOUTH, line(1, "A", 4), line(2, "B", 2)),
    )


def test_plans_when_reservation_arrives_after_confirmation() -> None:
    cause = uuid4()
    alloc = (allocation(1, "A", NORTH, 5),)
    scenario().given(details(), confirmed(line(1, "A", 5))).when(
        NoteReservation(ORDER, cause, alloc, "north")
    ).then(
        ReservationNoted(
            order_id=ORDER, source_event_id=cause, allocations=alloc, delivery_region="north"
        ),
        planned(NORTH, line(1, "A", 5)),
    )


def test_waits_while_reservation_is_missing() -> None:
    events = (
        scenario()
        .given(details())
        .when(NoteConfirmation(ORDER, uuid4(), (line(1, "A", 5),)))
        .then_events()
    )
    assert [type(e).__name__ for e in events] == ["ConfirmationNoted"]


def test_waits_while_confirmed_quantity_exceeds_the_reservation() -> None:
    events = (
        scenario()
        .given(details(), reserved(allocation(1, "A", NORTH, 3)))
        .when(NoteConfirmation(ORDER, uuid4(), (line(1, "A", 5),)))
        .then_events()
    )
    assert [type(e).__name__ for e in events] == ["ConfirmationNoted"]


def test_plans_the_confirmed_quantities_when_an_amendment_lowered_them() -> None:
    allocations = (
        allocation(1, "A", NORTH, 6),
        allocation(1, "A", SOUTH, 4),
        allocation(2, "B", SOUTH, 2),
    )
    events = (
        scenario()
        .given(details(), reserved(*allocations))
        .when(NoteConfirmation(ORDER, uuid4(), (line(1, "A", 7),)))
        .then_events()
    )
    assert events[1:] == [planned(NORTH, line(1, "A", 6)), planned(SOUTH, line(1, "A", 1))]


def test_a_release_reduces_what_can_be_planned() -> None:
    cause = uuid4()
    release = (allocation(1, "A", SOUTH, 4),)
    events = (
        scenario()
        .given(
            details(),
            reserved(allocation(1, "A", NORTH, 6), allocation(1, "A", SOUTH, 4)),
            confirmed(line(1, "A", 10)),
        )
        .when(NoteRelease(ORDER, cause, release))
        .then_events()
    )
    assert events == [ReleaseNoted(order_id=ORDER, source_event_id=cause, releases=release)]


def test_never_plans_twice_for_the_same_allocation() -> None:
    events = (
        scenario()
        .given(
            details(),
            reserved(allocation(1, "A", NORTH, 5)),
            confirmed(line(1, "A", 5)),
            planned(NORTH, line(1, "A", 5)),
        )
        .when(NoteConfirmation(ORDER, uuid4(), (line(1, "A", 5),)))
        .then_events()
    )
    assert [type(e).__name__ for e in events] == ["ConfirmationNoted"]


def test_a_redelivered_cause_is_noted_once() -> None:
    cause = uuid4()
    scenario().given(details(), reserved(allocation(1, "A", NORTH, 5), cause=cause)).when(
        NoteReservation(ORDER, cause, (allocation(1, "A", NORTH, 5),), "north")
    ).then()


def test_delivery_details_are_noted_once() -> None:
    command = NoteDeliveryDetails(ORDER, BUYER, SUPPLIER, "north")
    scenario().when(command).then(details())
    scenario().given(details()).when(command).then()


def test_cancellation_cancels_planned_shipments_only() -> None:
    cause = uuid4()
    scenario().given(
        details(),
        reserved(allocation(1, "A", NORTH, 5), allocation(2, "B", SOUTH, 1)),
        confirmed(line(1, "A", 5), line(2, "B", 1)),
        planned(NORTH, line(1, "A", 5)),
        planned(SOUTH, line(2, "B", 1)),
        shipped(SOUTH, line(2, "B", 1)),
    ).when(NoteCancellation(ORDER, cause, "order cancelled: changed mind")).then(
        CancellationNoted(
            order_id=ORDER, source_event_id=cause, reason="order cancelled: changed mind"
        ),
        ShipmentCancelled(
            shipment_id=NORTH_SHIPMENT,
            order_id=ORDER,
            warehouse_id=NORTH,
            reason="order cancelled: changed mind",
        ),
    )


def test_nothing_is_planned_after_cancellation() -> None:
    events = (
        scenario()
        .given(
            details(),
            reserved(allocation(1, "A", NORTH, 5)),
            CancellationNoted(order_id=ORDER, source_event_id=uuid4(), reason="order rejected: no"),
        )
        .when(NoteConfirmation(ORDER, uuid4(), (line(1, "A", 5),)))
        .then_events()
    )
    assert [type(e).__name__ for e in events] == ["ConfirmationNoted"]
