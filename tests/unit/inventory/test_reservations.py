"""Given/When/Then: routing, reservation, back-orders, release, amendment and commit."""

from __future__ import annotations

from uuid import uuid4

from services.inventory.domain import (
    ChangeReservedQuantity,
    CommitShipment,
    FillBackorder,
    ReleaseStock,
    inventory,
)
from shared.events.inventory import (
    BackorderCreated,
    BalanceCause,
    ReleaseReason,
    ReplenishmentReason,
    ReplenishmentRequested,
    StockBalanceChanged,
    StockCommitted,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from shared.events.values import Allocation, OrderLine, OrderType
from shared.service.testing import Scenario

from .fixtures import FAST, NEAR, OTHER, SUPPLIER, WAREHOUSES, received, reserve


def reserved_event(events: list[object]) -> StockReserved:
    found = [e for e in events if isinstance(e, StockReserved)]
    assert len(found) == 1, events
    return found[0]


def placements(event: StockReserved) -> list[tuple[int, object, int]]:
    return [(a.line_no, a.warehouse_id, a.quantity) for a in event.allocations]


STOCKED = [
    *WAREHOUSES,
    received(NEAR, "SKU-1", 5),
    received(FAST, "SKU-1", 5),
    received(OTHER, "SKU-1", 5),
]


def test_fills_a_line_from_a_warehouse_serving_the_region() -> None:
    command = reserve(("SKU-1", 4))
    events = Scenario(inventory).given(*STOCKED).when(command).then_events()
    reserved = reserved_event(events)
    assert placements(reserved) == [(1, NEAR, 4)]
    assert reserved.routing.rule == "region-first"
    chosen = [c.warehouse_id for c in reserved.routing.candidates if c.chosen]
    assert chosen == [NEAR]
    assert [c.warehouse_id for c in reserved.routing.candidates] == [NEAR, OTHER, FAST]
    assert events[1:] == [
        StockBalanceChanged(
            order_id=command.order_id,
            warehouse_id=NEAR,
            sku="SKU-1",
            reserved_delta=4,
            on_hand_delta=0,
            cause=BalanceCause.RESERVED,
        )
    ]


def test_urgent_orders_go_to_the_fastest_warehouse() -> None:
    events = (
        Scenario(inventory).given(*STOCKED).when(reserve(("SKU-1", 4), order_type=OrderType.URGENT))
    )
    reserved = reserved_event(events.then_events())
    assert placements(reserved) == [(1, FAST, 4)]
    assert reserved.routing.rule == "fastest-first"


def test_prefers_one_warehouse_that_can_fill_the_line_over_a_nearer_split() -> None:
    events = (
        Scenario(inventory).given(*STOCKED, received(FAST, "SKU-1", 3)).when(reserve(("SKU-1", 8)))
    )
    assert placements(reserved_event(events.then_events())) == [(1, FAST, 8)]


def test_splits_a_line_only_when_no_warehouse_can_fill_it() -> None:
    events = Scenario(inventory).given(*STOCKED).when(reserve(("SKU-1", 12))).then_events()
    reserved = reserved_event(events)
    assert placements(reserved) == [(1, NEAR, 5), (1, OTHER, 5), (1, FAST, 2)]
    assert "split" in reserved.routing.reason


def test_ignores_other_suppliers_warehouses() -> None:
    stranger = WAREHOUSES[0].model_copy(update={"warehouse_id": uuid4(), "supplier_id": uuid4()})
    given = [stranger, received(stranger.warehouse_id, "SKU-1", 50)]
    events = Scenario(inventory).given(*given).when(reserve(("SKU-1", 1))).then_events()
    assert isinstance(events[0], StockReservationFailed)


def test_fails_the_whole_order_when_a_line_is_short() -> None:
    command = reserve(("SKU-1", 2), ("SKU-2", 3))
    events = (
        Scenario(inventory).given(*STOCKED, received(NEAR, "SKU-2", 1)).when(command).then_events()
    )
    assert len(events) == 1
    failed = events[0]
    assert isinstance(failed, StockReservationFailed)
    assert [(s.line_no, s.requested, s.available) for s in failed.shortages] == [(2, 3, 1)]


def test_back_orders_a_short_presale_order() -> None:
    command = reserve(("SKU-2", 3), order_type=OrderType.PRESALE)
    events = (
        Scenario(inventory).given(*STOCKED, received(NEAR, "SKU-2", 1)).when(command).then_events()
    )
    assert events[0] == BackorderCreated(
        order_id=command.order_id,
        lines=command.lines,
        warehouse_id=NEAR,
        supplier_id=SUPPLIER,
        delivery_region="EU",
    )
    assert isinstance(events[1], ReplenishmentRequested)
    assert events[1].quantity == 2


def test_a_back_order_is_reserved_once_the_stock_arrives_and_only_once() -> None:
    command = reserve(("SKU-2", 3), order_type=OrderType.PRESALE)
    given = [*STOCKED, received(NEAR, "SKU-2", 1)]
    backordered = Scenario(inventory).given(*given).when(command).then_events()
    fill = FillBackorder(command.order_id, NEAR, command.lines)
    # Not enough yet: it keeps waiting, nothing is reserved.
    Scenario(inventory).given(*given, *backordered, received(OTHER, "SKU-2", 1)).when(fill).then()
    arrived = [*given, *backordered, received(NEAR, "SKU-2", 5)]
    events = Scenario(inventory).given(*arrived).when(fill).then_events()
    reserved = reserved_event(events)
    assert placements(reserved) == [(1, NEAR, 3)]
    assert (reserved.routing.rule, reserved.routing.order_type) == ("backorder", OrderType.PRESALE)
    assert reserved.routing.reason.startswith("stock arrived")
    Scenario(inventory).given(*arrived, *events).when(fill).then()


def test_an_order_that_is_not_back_ordered_is_never_filled() -> None:
    command = reserve(("SKU-1", 2))
    placed = Scenario(inventory).given(*STOCKED).when(command).then_events()
    fill = FillBackorder(command.order_id, NEAR, command.lines)
    Scenario(inventory).given(*STOCKED, *placed).when(fill).then()
    Scenario(inventory).given(*STOCKED).when(fill).then()  # never seen: nothing to fill


def test_reserves_only_once_per_order() -> None:
    command = reserve(("SKU-1", 1))
    first = Scenario(inventory).given(*STOCKED).when(command).then_events()
    Scenario(inventory).given(*STOCKED, *first).when(command).then()


def test_releases_what_the_order_still_holds() -> None:
    command = reserve(("SKU-1", 4))
    first = Scenario(inventory).given(*STOCKED).when(command).then_events()
    release = ReleaseStock(command.order_id, ReleaseReason.ORDER_CANCELLED)
    events = Scenario(inventory).given(*STOCKED, *first).when(release).then_events()
    allocation = Allocation(line_no=1, sku="SKU-1", warehouse_id=NEAR, quantity=4)
    assert events[0] == StockReleased(
        order_id=command.order_id, releases=(allocation,), reason=ReleaseReason.ORDER_CANCELLED
    )
    assert [(e.reserved_delta, e.on_hand_delta) for e in events[1:]] == [(-4, 0)]  # type: ignore[attr-defined]
    Scenario(inventory).given(*STOCKED, *first, *events).when(release).then()


def test_releasing_an_order_without_reservation_changes_nothing() -> None:
    Scenario(inventory).given(*STOCKED).when(
        ReleaseStock(uuid4(), ReleaseReason.ORDER_REJECTED)
    ).then()


def test_commits_shipped_units_once() -> None:
    command = reserve(("SKU-1", 4))
    first = Scenario(inventory).given(*STOCKED).when(command).then_events()
    ship = CommitShipment(
        command.order_id, uuid4(), NEAR, (OrderLine(line_no=1, sku="SKU-1", quantity=4),)
    )
    events = Scenario(inventory).given(*STOCKED, *first).when(ship).then_events()
    assert events[0] == StockCommitted(
        order_id=command.order_id, shipment_id=ship.shipment_id, warehouse_id=NEAR, lines=ship.lines
    )
    assert [(e.reserved_delta, e.on_hand_delta) for e in events[1:]] == [(-4, -4)]  # type: ignore[attr-defined]
    world = inventory.fold([*STOCKED, *first, *events])
    assert (
        world.sku("SKU-1").balance(NEAR).on_hand,
        world.sku("SKU-1").balance(NEAR).reserved,
    ) == (1, 0)
    Scenario(inventory).given(*STOCKED, *first, *events).when(ship).then()
    release = ReleaseStock(command.order_id, ReleaseReason.ORDER_CANCELLED)
    Scenario(inventory).given(*STOCKED, *first, *events).when(release).then()


def test_an_accepted_amendment_releases_the_surplus() -> None:
    command = reserve(("SKU-1", 4))
    first = Scenario(inventory).given(*STOCKED).when(command).then_events()
    change = ChangeReservedQuantity(command.order_id, ((1, "SKU-1", 1),))
    events = Scenario(inventory).given(*STOCKED, *first).when(change).then_events()
    assert isinstance(events[0], StockReleased)
    assert events[0].reason is ReleaseReason.AMENDMENT
    assert [a.quantity for a in events[0].releases] == [3]
    Scenario(inventory).given(*STOCKED, *first, *events).when(change).then()


def test_an_accepted_amendment_reserves_more_or_back_orders_it() -> None:
    command = reserve(("SKU-1", 4))
    first = Scenario(inventory).given(*STOCKED).when(command).then_events()
    more = ChangeReservedQuantity(command.order_id, ((1, "SKU-1", 6),))
    events = Scenario(inventory).given(*STOCKED, *first).when(more).then_events()
    allocations = reserved_event(events).allocations
    assert [(a.warehouse_id, a.quantity) for a in allocations] == [(OTHER, 2)], (
        "one warehouse fills 2"
    )
    too_many = ChangeReservedQuantity(command.order_id, ((1, "SKU-1", 40),))
    short = Scenario(inventory).given(*STOCKED, *first).when(too_many).then_events()
    assert short == [
        BackorderCreated(
            order_id=command.order_id, lines=(OrderLine(line_no=1, sku="SKU-1", quantity=36),)
        )
    ]


def test_a_presale_order_for_a_sku_never_stocked_waits_near_the_buyer_and_asks_for_it() -> None:
    command = reserve(("SKU-NEW", 10), order_type=OrderType.PRESALE, region="US")
    events = Scenario(inventory).given(*STOCKED).when(command).then_events()
    assert events == [
        BackorderCreated(
            order_id=command.order_id,
            lines=command.lines,
            warehouse_id=FAST,
            supplier_id=SUPPLIER,
            delivery_region="US",
        ),
        ReplenishmentRequested(
            request_id=events[1].request_id,  # type: ignore[attr-defined]
            warehouse_id=FAST,
            sku="SKU-NEW",
            quantity=10,
            reason=ReplenishmentReason.BACKORDER,
        ),
    ]


def test_a_never_stocked_back_order_is_filled_by_the_first_receipt_at_any_warehouse() -> None:
    command = reserve(("SKU-NEW", 10), order_type=OrderType.PRESALE, region="US")
    backordered = Scenario(inventory).given(*STOCKED).when(command).then_events()
    fill = FillBackorder(command.order_id, FAST, command.lines)
    # The goods arrive at a warehouse that does not serve the buyer's region: still allowed.
    arrived = [*STOCKED, *backordered, received(OTHER, "SKU-NEW", 10)]
    reserved = reserved_event(Scenario(inventory).given(*arrived).when(fill).then_events())
    assert placements(reserved) == [(1, OTHER, 10)]
    assert reserved.routing.delivery_region == "US"


def test_filling_a_back_order_follows_the_routing_rules_of_the_order_region() -> None:
    command = reserve(("SKU-NEW", 4), order_type=OrderType.PRESALE, region="US")
    backordered = Scenario(inventory).given(*STOCKED).when(command).then_events()
    arrived = [
        *STOCKED,
        *backordered,
        received(OTHER, "SKU-NEW", 5),
        received(NEAR, "SKU-NEW", 5),
        received(FAST, "SKU-NEW", 5),
    ]
    # Whichever warehouse's receipt triggers the fill, the order's own region decides.
    fill = FillBackorder(command.order_id, NEAR, command.lines)
    reserved = reserved_event(Scenario(inventory).given(*arrived).when(fill).then_events())
    assert placements(reserved) == [(1, FAST, 4)]


def test_an_amendment_back_orders_its_extra_units_once() -> None:
    command = reserve(("SKU-1", 4))
    first = Scenario(inventory).given(*STOCKED).when(command).then_events()
    too_many = ChangeReservedQuantity(command.order_id, ((1, "SKU-1", 40),))
    short = Scenario(inventory).given(*STOCKED, *first).when(too_many).then_events()
    Scenario(inventory).given(*STOCKED, *first, *short).when(too_many).then()
