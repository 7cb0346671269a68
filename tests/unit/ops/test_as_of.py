"""Time travel: the state as of an instant is the fold of the events recorded by then."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from services.inventory.domain.state import SkuState, evolve_sku
from shared.events.base import DomainEvent
from shared.events.envelope import new_event_id
from shared.events.inventory import AdjustmentReason, StockAdjusted, StockReceived
from shared.eventstore.memory import InMemoryEventStore
from shared.service.as_of import fold_as_of
from shared.service.codec import to_new_event
from shared.service.context import utc_now

WAREHOUSES = (UUID(int=1), UUID(int=2))
SKU = "SKU-1"

received = st.builds(
    lambda w, q: StockReceived(warehouse_id=WAREHOUSES[w], sku=SKU, quantity=q),
    st.integers(0, 1),
    st.integers(1, 50),
)
adjusted = st.builds(
    lambda w, d: StockAdjusted(
        warehouse_id=WAREHOUSES[w], sku=SKU, delta=d, reason=AdjustmentReason.COUNT_CORRECTION
    ),
    st.integers(0, 1),
    st.integers(-20, 20).filter(bool),
)


async def _record(events: list[DomainEvent]) -> tuple[InMemoryEventStore, list[SkuState]]:
    """Append one event at a time; remember the state the system had after each."""
    store = InMemoryEventStore()
    state, states = SkuState(), []
    for event in events:
        new = to_new_event(
            event,
            event_id=new_event_id(),
            occurred_at=utc_now(),
            correlation_id=None,
            causation_id=None,
            actor="test",
        )
        await store.append(f"stock-{SKU}", [new])
        state = evolve_sku(state, event)
        states.append(state)
    return store, states


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(received, adjusted), min_size=1, max_size=12), st.data())
def test_state_as_of_any_instant_is_the_fold_of_the_prefix(
    events: list[DomainEvent], data: st.DataObject
) -> None:
    async def check() -> None:
        store, states = await _record(events)
        records = await store.read_stream(f"stock-{SKU}")
        k = data.draw(st.integers(0, len(records) - 1))
        at = records[k].recorded_at
        # The last event recorded at that very instant (appends may share a timestamp).
        last = max(i for i, r in enumerate(records) if r.recorded_at <= at)
        folded = await fold_as_of(store, f"stock-{SKU}", evolve_sku, SkuState(), at)
        assert folded.state == states[last]
        assert folded.version == last + 1
        before = await fold_as_of(
            store, f"stock-{SKU}", evolve_sku, SkuState(), records[0].recorded_at - timedelta(1)
        )
        assert (before.state, before.version) == (SkuState(), 0)

    asyncio.run(check())


def test_naive_instants_are_read_as_utc() -> None:
    async def check() -> None:
        store, states = await _record(
            [StockReceived(warehouse_id=WAREHOUSES[0], sku=SKU, quantity=3)]
        )
        [record] = await store.read_stream(f"stock-{SKU}")
        naive = record.recorded_at.replace(tzinfo=None)
        folded = await fold_as_of(store, f"stock-{SKU}", evolve_sku, SkuState(), naive)
        assert folded.state == states[0]

    asyncio.run(check())
