"""Order facts depend on which events were seen, not on how the five sources interleaved."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.order.views.analytics import OrderFacts, derive
from services.order.views.details import OrderDetails
from services.order.views.summaries import OrderSummaries
from services.order.views.timeline import service_of
from shared.events import inventory, logistics, order, payment, pricing
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope, new_event_id
from shared.service.projection import FoldingProjection
from shared.sql.sqlite import SqliteDatabase
from tests.unit.events.strategies import instances

ORDER = UUID(int=7)
START = datetime(2025, 3, 1, 9, tzinfo=UTC)
MODELS = [
    order.OrderPlaced, order.OrderConfirmed, order.OrderCompleted, order.OrderAmendmentProposed,
    pricing.OrderPriced, inventory.StockReserved, logistics.ShipmentPlanned, logistics.Shipped,
    logistics.Delivered, logistics.GoodsAccepted, payment.InvoiceIssued, payment.PaymentSettled,
    payment.RefundIssued,
]  # fmt: skip

about_the_order = st.one_of(*(instances(m) for m in MODELS)).map(
    lambda event: event.model_copy(update={"order_id": ORDER})
)
timed = st.tuples(about_the_order, st.integers(0, 10_000))


def envelope(event: DomainEvent, position: int, minutes: int) -> Envelope:
    return Envelope(
        event_id=new_event_id(),
        event_type=event.event_type,
        schema_version=type(event).schema_version,
        stream_id=f"{service_of(event.event_type)}-{ORDER}",
        stream_version=position,
        position=position,
        occurred_at=START + timedelta(minutes=minutes),
        event=event,
    )


async def fold(
    envelopes: list[Envelope], projection: type[FoldingProjection] = OrderFacts, batch: int = 1
) -> list[list[Any]]:
    """Every table's rows after folding ``envelopes`` ``batch`` at a time (one transaction each)."""
    with tempfile.TemporaryDirectory() as directory:
        engine = SqliteDatabase(Path(directory) / "facts.db")
        folded = projection()
        await folded.create_tables(engine)
        for start in range(0, len(envelopes), batch):
            async with engine.begin() as conn:
                await folded.apply_batch(conn, envelopes[start : start + batch])
        async with engine.connect() as conn:
            tables = [
                sorted(tuple(r) for r in (await conn.execute(select(table))).all())
                for table in folded.tables
            ]
        await engine.close()
    return tables


def interleavings(events: list[Envelope], draw: Any) -> list[Envelope]:
    """Another order of the same events that keeps each source's own order (as live runners do)."""
    queues: dict[str, list[Envelope]] = {}
    for item in events:
        queues.setdefault(service_of(item.event_type), []).append(item)
    mixed: list[Envelope] = []
    while queues:
        source = draw(st.sampled_from(sorted(queues)))
        mixed.append(queues[source].pop(0))
        if not queues[source]:
            del queues[source]
    return mixed


placed = st.tuples(instances(order.OrderPlaced), st.integers(0, 10_000)).map(
    lambda pair: (pair[0].model_copy(update={"order_id": ORDER}), pair[1])
)


@settings(max_examples=30, deadline=None)
@given(placed, st.lists(timed, min_size=1, max_size=10), st.data())
def test_facts_and_daily_rows_do_not_depend_on_how_sources_interleave(
    first: tuple[DomainEvent, int], drafts: list[tuple[DomainEvent, int]], data: st.DataObject
) -> None:
    events = [envelope(e, i + 1, minutes) for i, (e, minutes) in enumerate([first, *drafts])]
    other = interleavings(events, data.draw)
    assert asyncio.run(fold(events)) == asyncio.run(fold(other))


@settings(max_examples=30, deadline=None)
@given(
    placed,
    st.lists(timed, min_size=1, max_size=12),
    st.integers(2, 13),
    st.sampled_from([OrderFacts, OrderDetails, OrderSummaries]),
)
def test_a_batch_folds_to_the_same_rows_as_one_event_at_a_time(
    first: tuple[DomainEvent, int],
    drafts: list[tuple[DomainEvent, int]],
    batch: int,
    projection: type[FoldingProjection],
) -> None:
    events = [envelope(e, i + 1, minutes) for i, (e, minutes) in enumerate([first, *drafts])]
    one_by_one = asyncio.run(fold(events, projection, batch=1))
    assert any(one_by_one), "the order's rows should exist"
    assert asyncio.run(fold(events, projection, batch=batch)) == one_by_one


def test_lead_times_and_outcome_follow_the_milestones() -> None:
    row: dict[str, Any] = dict.fromkeys(
        ["placed_at", "confirmed_at", "shipped_at", "delivered_at", "invoiced_at", "settled_at",
         "completed_at", "rejected_at", "cancelled_at"]
    )  # fmt: skip
    row.update(
        placed_at=START.isoformat(), confirmed_at=(START + timedelta(seconds=90)).isoformat()
    )
    derive(row)
    assert (row["confirm_lead_s"], row["order_to_delivery_s"], row["outcome"]) == (
        90.0,
        None,
        "open",
    )
    row["completed_at"] = (START + timedelta(hours=2)).isoformat()
    derive(row)
    assert (row["cycle_s"], row["outcome"]) == (7200.0, "completed")
