"""An order placed before its buyer's registration reached pricing waits, and is priced once
the registration arrives, even when the two are handled at once by two processes (PostgreSQL,
a store each on one schema): whichever commits last sees the other."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from services.pricing.service import definition as pricing_service
from shared.eventstore.postgres import PostgresEventStore
from tests.databases import postgres_url
from tests.helpers import eventually
from tests.unit.service.test_partition_interleavings import (
    BUYERS,
    ORDERS,
    Service,
    open_service,
    order_log,
)

pytestmark = pytest.mark.postgres


async def _waits_for_a_lock(service: Service) -> bool:
    async with service.context.engine.connect() as conn:
        found = await conn.fetch(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory'"
        )
    return bool(found[0][0])


async def test_a_registration_and_its_waiting_order_handled_at_once_price_the_order() -> None:
    url, schema = postgres_url(), f"t_{uuid4().hex[:12]}"
    one = await PostgresEventStore.open(url, schema)
    two = await PostgresEventStore.open(url, schema)
    try:
        first = await open_service(pricing_service, one)
        second = await open_service(pricing_service, two, own=False)
        log = order_log()
        by_event = {
            (m.key, i): (p, m)
            for p, messages in log.partitions().items()
            for i, m in enumerate(messages)
        }
        supplier, buyer, placed = (
            next(v for (k, _), v in by_event.items() if k == key)
            for key in (
                log.envelopes[0].stream_id.encode(),
                f"buyer-{BUYERS[0]}".encode(),
                str(ORDERS[0]).encode(),
            )
        )
        await first.lanes["order"].dispatch({supplier[0]: [supplier[1]]})
        async with one.engine.begin():
            # The order, its buyer unknown: it waits (not committed yet).
            await first.lanes["order"].dispatch({placed[0]: [placed[1]]})
            # Meanwhile another process takes the buyer's registration.
            other = asyncio.create_task(second.lanes["order"].dispatch({buyer[0]: [buyer[1]]}))

            async def settled() -> bool:
                return other.done() or await _waits_for_a_lock(second)

            await eventually(settled, what="the other process done or waiting")
        await other
        priced = [r for r in await one.read_all(0, 1000) if r.event_type == "OrderPriced"]
        assert [r.data["order_id"] for r in priced] == [str(ORDERS[0])]
    finally:
        await one.close()
        await two.close()
