"""Every projection stores any value a contract admits: events drawn from the contracts, up to
their bounds (quantities of 10**9, amounts just below 10**12), about one order, one SKU at one
warehouse and one shipment, folded into each projection's tables on SQLite and PostgreSQL.

A value a contract admits but a column cannot hold (an integer past 64 bits, past 32 bits in a
PostgreSQL INTEGER) would dead-letter the event; here it fails the property."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.services import ALL_SERVICES
from services.order.views.timeline import service_of
from shared.events import DEFAULT_REGISTRY
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope, new_event_id
from shared.eventstore.memory import InMemoryEventStore
from shared.service.definition import ServiceContext
from shared.service.idempotency import IdempotencyStore
from shared.service.policy import event_names
from shared.service.projection import Projection
from shared.sql import Database
from shared.sql.sqlite import SqliteDatabase
from tests.databases import KINDS, fresh_database, postgres_url
from tests.unit.events.strategies import instances

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
SHARED = {
    "order_id": UUID(int=1),
    "shipment_id": UUID(int=2),
    "invoice_id": UUID(int=3),
    "warehouse_id": UUID(int=4),
    "supplier_id": UUID(int=5),
    "buyer_id": UUID(int=6),
    "return_id": UUID(int=7),
    "sku": "SKU-1",
}
"""Ids every drawn event shares, so that one row takes all of them (sums, counters, updates)."""

CURRENT = [
    m
    for m in DEFAULT_REGISTRY.models()
    if m.schema_version == DEFAULT_REGISTRY.latest_version(m.event_type)
]


def projections() -> Iterator[tuple[str, type[Projection]]]:
    """Every projection every service declares (building a service does no I/O)."""
    engine = SqliteDatabase("never-opened.db")  # building a service does no I/O
    for definition in ALL_SERVICES:
        context = ServiceContext(
            definition.name, InMemoryEventStore(), engine, IdempotencyStore(engine)
        )
        for projection in definition.build(context).projections:
            yield f"{definition.name}.{projection.name}", type(projection)


PROJECTIONS = sorted(projections(), key=lambda item: item[0])


def about_one_order(model: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    shared = {name: value for name, value in SHARED.items() if name in model.model_fields}
    return instances(model).map(lambda event: event.model_copy(update=shared))


def histories(projection: type[Projection]) -> st.SearchStrategy[list[DomainEvent]]:
    names = event_names(projection.event_types)  # classes or type names
    models = [m for m in CURRENT if m.event_type in names]
    assert models, f"{projection.__name__} takes no catalog event"
    return st.lists(st.sampled_from(models).flatmap(about_one_order), min_size=1, max_size=6)


def envelopes(events: list[DomainEvent]) -> list[Envelope]:
    return [
        Envelope(
            event_id=new_event_id(),
            event_type=event.event_type,
            schema_version=type(event).schema_version,
            stream_id=f"{service_of(event.event_type)}-{SHARED['order_id']}",
            stream_version=position,
            position=position,
            occurred_at=START + timedelta(minutes=position),
            event=event,
        )
        for position, event in enumerate(events, 1)
    ]


async def fold(database: Database, projection: Projection, events: list[DomainEvent]) -> None:
    await database.drop_all(projection.metadata)
    await database.create_all(projection.metadata)
    async with database.begin() as tx:
        await projection.apply_batch(tx, envelopes(events))


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        postgres_url()  # skips, saying why, without a server
    return str(request.param)


@pytest.mark.parametrize(("name", "projection"), PROJECTIONS, ids=[n for n, _ in PROJECTIONS])
def test_every_projection_stores_any_value_its_events_admit(
    name: str, projection: type[Projection], kind: str
) -> None:
    postgres = kind == "postgres"

    async def run(histories_drawn: list[list[DomainEvent]]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            async with fresh_database(kind, Path(folder)) as database:
                for events in histories_drawn:
                    try:
                        await fold(database, projection(), events)
                    except Exception as error:
                        kinds = [e.event_type for e in events]
                        raise AssertionError(f"{name} cannot store {kinds}: {error!r}") from error

    @settings(
        max_examples=15 if postgres else 40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.lists(histories(projection), min_size=1, max_size=3))
    def check(drawn: list[list[DomainEvent]]) -> None:
        asyncio.run(run(drawn))

    check()


def test_every_service_declares_projections() -> None:
    services = {name.split(".", 1)[0] for name, _ in PROJECTIONS}
    assert services == {d.name for d in ALL_SERVICES}
    assert len(PROJECTIONS) >= 10, PROJECTIONS
    assert all(isinstance(p, type) for _, p in PROJECTIONS)
    assert all(callable(getattr(p, "apply_batch", None)) for _, p in PROJECTIONS)
