"""A shipment command finds the order its shipment belongs to even while the read model has not
folded the shipment yet, without waiting for it: a command runs in the unit of work of its
effect, and the read model commits through the same writer (waiting would stall both)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from services.logistics.domain.commands import (
    NoteConfirmation,
    NoteDeliveryDetails,
    NoteReservation,
)
from services.logistics.domain.decide import fulfilment_decider
from services.logistics.domain.master_data import address_decider, carrier_decider
from services.logistics.http.deps import LogisticsDeps
from services.logistics.service import definition
from services.logistics.views.addresses import DeliveryAddressBook
from services.logistics.views.carriers import CarrierDirectory
from services.logistics.views.returns import ReturnLog
from services.logistics.views.shipments import ShipmentTracking
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher
from shared.messaging.hub import LogFeed
from shared.service.context import CommandContext
from shared.service.definition import ServiceContext, ServiceParts
from shared.service.errors import Problem
from shared.service.idempotency import IdempotencyStore
from shared.service.repository import Repository
from shared.service.wiring import dispatchers
from tests.unit.logistics.fixtures import (
    BUYER,
    NORTH,
    NORTH_SHIPMENT,
    ORDER,
    SUPPLIER,
    allocation,
    line,
)

QUICK = 2.0
"""Seconds: far less than the 5 s a wait for the read model would stall."""


class Logistics:
    def __init__(self, deps: LogisticsDeps, follower: Dispatcher) -> None:
        self.deps = deps
        self.follower = follower

    async def plan_north_shipment(self) -> None:
        context = CommandContext(actor="system:test", correlation_id=ORDER)
        for note in (
            NoteDeliveryDetails(ORDER, BUYER, SUPPLIER, "north"),
            NoteReservation(ORDER, uuid4(), (allocation(1, "A", NORTH, 3),), "north"),
            NoteConfirmation(ORDER, uuid4(), (line(1, "A", 3),)),
        ):
            await self.deps.fulfilments.handle(ORDER, note, context)


@pytest.fixture
async def logistics(tmp_path: Path) -> AsyncIterator[Logistics]:
    store = await SqliteEventStore.open(tmp_path / "logistics.db")
    engine = store.engine
    context = ServiceContext("logistics", store, engine, IdempotencyStore(engine))
    await CheckpointStore(engine).create_tables()
    dead_letters = DeadLetters(engine)
    await dead_letters.create_tables()
    parts = definition.build(context)
    for projection in parts.projections:
        await projection.create_tables(engine)
    # Registered for read-your-writes like a live one, but not running: the read model lags.
    made = dispatchers(parts, context, dead_letters, lambda _source: LogFeed(store))
    [follower] = [d for d in made if d.source == "logistics"]
    deps = _deps_of(parts, context)
    try:
        yield Logistics(deps, follower)
    finally:
        await store.close()


def _deps_of(parts: ServiceParts, context: ServiceContext) -> LogisticsDeps:
    """Deps as the service's build makes them, on the read models it declared."""
    views: dict[type[Any], Any] = {type(p): p for p in parts.projections}
    return LogisticsDeps(
        context=context,
        fulfilments=Repository(context.store, fulfilment_decider, "fulfilment"),
        carriers=Repository(context.store, carrier_decider, "carrier"),
        addresses=Repository(context.store, address_decider, "delivery-address"),
        carrier_directory=views[CarrierDirectory],
        address_book=views[DeliveryAddressBook],
        tracking=views[ShipmentTracking],
        returns=views[ReturnLog],
    )


async def test_finds_the_order_of_a_shipment_the_read_model_has_not_folded(
    logistics: Logistics,
) -> None:
    await logistics.plan_north_shipment()
    assert await logistics.deps.tracking.order_of(logistics.deps.context.engine, "x") is None
    async with logistics.deps.context.engine.begin():  # a command's unit of work
        async with asyncio.timeout(QUICK):
            found = await logistics.deps.order_of_shipment(NORTH_SHIPMENT)
    assert found == ORDER


async def test_an_unknown_shipment_is_404_at_once_while_the_read_model_lags(
    logistics: Logistics,
) -> None:
    await logistics.plan_north_shipment()
    async with logistics.deps.context.engine.begin():
        async with asyncio.timeout(QUICK):
            with pytest.raises(Problem) as refused:
                await logistics.deps.order_of_shipment(uuid4())
    assert refused.value.status == 404


async def test_finds_the_order_in_the_read_model_once_it_caught_up(logistics: Logistics) -> None:
    await logistics.plan_north_shipment()
    running = asyncio.create_task(logistics.follower.run())
    try:
        head = await logistics.deps.context.store.head_position()
        name = logistics.deps.tracking.name
        assert await logistics.deps.context.positions.wait_for(name, "logistics", head, 10.0)
        engine = logistics.deps.context.engine
        assert await logistics.deps.tracking.order_of(engine, str(NORTH_SHIPMENT)) == str(ORDER)
        assert await logistics.deps.order_of_shipment(NORTH_SHIPMENT) == ORDER
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
