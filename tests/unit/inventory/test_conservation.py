"""Random sequences of movements and reservations: stock is conserved, no effect happens twice."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from services.inventory.domain import (
    AdjustStock,
    ChangeReservedQuantity,
    Command,
    CommitShipment,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    World,
    inventory,
)
from shared.events.inventory import (
    AdjustmentReason,
    ReleaseReason,
    StockAdjusted,
    StockBalanceChanged,
    StockReceived,
)
from shared.events.values import OrderLine, OrderType
from shared.service.decider import DomainError
from shared.service.testing import DEFAULT_NOW

from .fixtures import SUPPLIER, WAREHOUSES

HOUSES = [w.warehouse_id for w in WAREHOUSES]
SKUS = ["A", "B"]
ORDERS = [UUID(int=n + 1) for n in range(4)]
SHIPMENTS = [UUID(int=100 + n) for n in range(4)]

quantities = st.integers(min_value=1, max_value=6)
lines = st.lists(st.tuples(st.sampled_from(SKUS), quantities), min_size=1, max_size=2)

commands = st.one_of(
    st.builds(ReceiveStock, st.sampled_from(HOUSES), st.sampled_from(SKUS), quantities),
    st.builds(
        AdjustStock,
        st.sampled_from(HOUSES),
        st.sampled_from(SKUS),
        st.integers(min_value=-6, max_value=6).filter(bool),
        st.just(AdjustmentReason.COUNT_CORRECTION),
    ),
    st.tuples(st.sampled_from(ORDERS), lines, st.sampled_from(list(OrderType))).map(
        lambda t: ReserveStock(
            t[0],
            SUPPLIER,
            t[2],
            "EU",
            tuple(OrderLine(line_no=n, sku=s, quantity=q) for n, (s, q) in enumerate(t[1], 1)),
        )
    ),
    st.builds(ReleaseStock, st.sampled_from(ORDERS), st.just(ReleaseReason.ORDER_CANCELLED)),
    st.tuples(st.sampled_from(ORDERS), st.sampled_from(SKUS), st.integers(0, 8)).map(
        lambda t: ChangeReservedQuantity(t[0], ((1, t[1], t[2]),))
    ),
    st.tuples(st.sampled_from(ORDERS), st.sampled_from(SHIPMENTS), st.sampled_from(HOUSES)),
)


def _ship(world: World, order_id: UUID, shipment_id: UUID, warehouse_id: UUID) -> Command | None:
    held = [
        OrderLine(line_no=line, sku=p.sku, quantity=p.reserved)
        for (line, wh), p in world.order(order_id).placements.items()
        if wh == warehouse_id and p.reserved > 0
    ]
    return CommitShipment(order_id, shipment_id, warehouse_id, tuple(held)) if held else None


def _check(world: World, ledger: dict[tuple[str, UUID], int]) -> None:
    held: dict[tuple[str, UUID], int] = defaultdict(int)
    for order in world.orders.values():
        for (_, wh), p in order.placements.items():
            assert p.reserved >= 0
            held[(p.sku, wh)] += p.reserved
    for sku, state in world.skus.items():
        for wh, b in state.balances.items():
            assert 0 <= b.reserved <= b.on_hand, (sku, wh, b)
            assert b.on_hand == ledger[(sku, wh)], "on hand = received - committed +- adjustments"
            assert b.reserved == held[(sku, wh)], "reserved = what orders hold"


@settings(max_examples=100, deadline=None)
@given(st.lists(commands, min_size=1, max_size=40))
def test_random_histories_conserve_stock_and_never_repeat_effects(steps: list[Any]) -> None:
    history: list[Any] = list(WAREHOUSES)
    world = inventory.fold(history)
    ledger: dict[tuple[str, UUID], int] = defaultdict(int)
    for step in steps:
        command = _ship(world, *step) if isinstance(step, tuple) else step
        if command is None:
            continue
        try:
            events = list(inventory.decide(command, world, DEFAULT_NOW))
        except DomainError:
            continue
        for event in events:
            if isinstance(event, StockReceived):
                ledger[(event.sku, event.warehouse_id)] += event.quantity
            elif isinstance(event, StockAdjusted):
                ledger[(event.sku, event.warehouse_id)] += event.delta
            elif isinstance(event, StockBalanceChanged):
                ledger[(event.sku, event.warehouse_id)] += event.on_hand_delta
        world = inventory.fold(events, world)
        _check(world, ledger)
        if isinstance(
            command, ReserveStock | ReleaseStock | CommitShipment | ChangeReservedQuantity
        ):
            assert list(inventory.decide(command, world, DEFAULT_NOW)) == [], (
                "redelivery is a no-op"
            )
