"""Given/When/Then: warehouses, receipts, adjustments, thresholds and low-stock alerts."""

from __future__ import annotations

import pytest

from services.inventory.domain import (
    AdjustStock,
    ReceiveStock,
    RegisterWarehouse,
    RestockReturn,
    SetReorderThreshold,
    inventory,
)
from services.inventory.domain.errors import (
    AdjustmentBelowReserved,
    StockWouldExceedLimit,
    StockWouldGoNegative,
    UnknownWarehouse,
    WarehouseBelongsToAnotherSupplier,
)
from services.inventory.domain.state import World
from shared.events.base import MAX_QUANTITY
from shared.events.inventory import (
    AdjustmentReason,
    ReorderThresholdSet,
    ReplenishmentReason,
    ReplenishmentRequested,
    StockAdjusted,
    StockLow,
    StockReceived,
    StockReserved,
)
from shared.service.testing import Scenario

from .fixtures import NEAR, SUPPLIER, WAREHOUSES, received, reserve, warehouse


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(inventory)


def test_registers_a_warehouse_once() -> None:
    command = RegisterWarehouse(NEAR, SUPPLIER, "wh-a1", ("EU",), 2, 2)
    scenario().when(command).then(warehouse(NEAR, ("EU",), 2))
    scenario().given(warehouse(NEAR, ("EU",), 2)).when(command).then()


def test_refuses_to_move_a_warehouse_to_another_supplier() -> None:
    command = RegisterWarehouse(NEAR, NEAR, "wh-a1", ("EU",), 2, 2)
    scenario().given(*WAREHOUSES).when(command).then_raises(WarehouseBelongsToAnotherSupplier)


def test_receives_stock_at_a_registered_warehouse() -> None:
    scenario().given(*WAREHOUSES).when(ReceiveStock(NEAR, "SKU-1", 5, "PO-1")).then(
        StockReceived(warehouse_id=NEAR, sku="SKU-1", quantity=5, reference="PO-1")
    )


def test_refuses_receipts_at_an_unknown_warehouse() -> None:
    scenario().when(ReceiveStock(NEAR, "SKU-1", 5)).then_raises(UnknownWarehouse)


def test_adjusts_on_hand_stock() -> None:
    command = AdjustStock(NEAR, "SKU-1", -2, AdjustmentReason.DAMAGED)
    scenario().given(*WAREHOUSES, received(NEAR, "SKU-1", 5)).when(command).then(
        StockAdjusted(warehouse_id=NEAR, sku="SKU-1", delta=-2, reason=AdjustmentReason.DAMAGED)
    )


def test_refuses_an_adjustment_below_zero_on_hand() -> None:
    command = AdjustStock(NEAR, "SKU-1", -6, AdjustmentReason.LOST)
    given = scenario().given(*WAREHOUSES, received(NEAR, "SKU-1", 5))
    error = given.when(command).then_raises(StockWouldGoNegative)
    assert error.field == "delta"


def test_refuses_an_adjustment_below_reserved_units() -> None:
    world = [*WAREHOUSES, received(NEAR, "SKU-1", 5)]
    reserved = Scenario(inventory).given(*world).when(reserve(("SKU-1", 4))).then_events()
    command = AdjustStock(NEAR, "SKU-1", -2, AdjustmentReason.LOST)
    scenario().given(*world, *reserved).when(command).then_raises(AdjustmentBelowReserved)


def test_alerts_once_when_available_crosses_the_threshold() -> None:
    threshold = ReorderThresholdSet(
        warehouse_id=NEAR, sku="SKU-1", threshold=3, reorder_quantity=20
    )
    given = [*WAREHOUSES, received(NEAR, "SKU-1", 5), threshold]
    events = scenario().given(*given).when(reserve(("SKU-1", 2))).then_events()
    assert isinstance(events[0], StockReserved)
    low, request = events[-2:]
    assert low == StockLow(warehouse_id=NEAR, sku="SKU-1", available=3, threshold=3)
    assert isinstance(request, ReplenishmentRequested)
    assert (request.quantity, request.reason) == (20, ReplenishmentReason.LOW_STOCK)
    again = scenario().given(*given, *events).when(reserve(("SKU-1", 1))).then_events()
    assert not any(isinstance(e, StockLow) for e in again), "still low: no second alert"


def test_alerts_again_after_stock_recovered_and_fell() -> None:
    threshold = ReorderThresholdSet(
        warehouse_id=NEAR, sku="SKU-1", threshold=3, reorder_quantity=20
    )
    low = StockLow(warehouse_id=NEAR, sku="SKU-1", available=2, threshold=3)
    given = [*WAREHOUSES, received(NEAR, "SKU-1", 2), threshold, low, received(NEAR, "SKU-1", 10)]
    events = scenario().given(*given).when(AdjustStock(NEAR, "SKU-1", -10, AdjustmentReason.LOST))
    assert any(isinstance(e, StockLow) for e in events.then_events())


def test_setting_a_threshold_above_available_alerts() -> None:
    command = SetReorderThreshold(NEAR, "SKU-1", 10, 50)
    events = scenario().given(*WAREHOUSES, received(NEAR, "SKU-1", 5)).when(command).then_events()
    assert [type(e) for e in events] == [ReorderThresholdSet, StockLow, ReplenishmentRequested]


def test_restocks_resellable_returns_once() -> None:
    command = RestockReturn(NEAR, NEAR, ((1, "SKU-1", 2),))
    first = scenario().given(*WAREHOUSES).when(command).then_events()
    assert [(type(e), getattr(e, "quantity", None)) for e in first] == [(StockReceived, 2)]
    scenario().given(*WAREHOUSES, *first).when(command).then()


@pytest.mark.parametrize("delta", [3, -3])
def test_available_follows_adjustments(delta: int) -> None:
    events = [*WAREHOUSES, received(NEAR, "SKU-1", 5)]
    adjusted = (
        scenario()
        .given(*events)
        .when(AdjustStock(NEAR, "SKU-1", delta, AdjustmentReason.COUNT_CORRECTION))
    )
    world: World = inventory.fold([*events, *adjusted.then_events()])
    assert world.sku("SKU-1").balance(NEAR).available == 5 + delta


def test_refuses_to_hold_more_than_a_balance_may_record() -> None:
    full = scenario().given(*WAREHOUSES, received(NEAR, "SKU-1", MAX_QUANTITY))
    error = full.when(ReceiveStock(NEAR, "SKU-1", 1)).then_raises(StockWouldExceedLimit)
    assert error.field == "quantity"
    found = AdjustStock(NEAR, "SKU-1", 1, AdjustmentReason.FOUND)
    assert full.when(found).then_raises(StockWouldExceedLimit).field == "delta"


def test_a_decision_records_at_most_the_largest_quantity_available() -> None:
    # A restocked return may take a balance past what receipts may; routing still records it.
    given = [*WAREHOUSES, received(NEAR, "SKU-1", MAX_QUANTITY), received(NEAR, "SKU-1", 5)]
    events = scenario().given(*given).when(reserve(("SKU-1", 5))).then_events()
    reserved = next(e for e in events if isinstance(e, StockReserved))
    [candidate] = reserved.routing.candidates
    assert candidate.available[0].quantity == MAX_QUANTITY
