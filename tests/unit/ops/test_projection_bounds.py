"""Every projection stores any value a contract admits: events drawn from the contracts, up to
their bounds (quantities of 10**9, amounts just below 10**12), about one order, one SKU at one
warehouse and one shipment, folded into each projection's tables on SQLite and PostgreSQL.

A value a contract admits but a column cannot hold (an integer past 64 bits, past 32 bits in a
PostgreSQL INTEGER) would dead-letter the event; here it fails the property."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from runtime.services import ALL_SERVICES
from services.order.projections.facets import service_of
from shared.events import DEFAULT_REGISTRY
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope, new_event_id
from shared.eventstore.memory import InMemoryEventStore
from shared.service.definition import ServiceContext
from shared.service.idempotency import IdempotencyStore
from shared.service.projection import Projection
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
    engine = create_async_engine("sqlite+aiosqlite://")
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
    models = [m for m in CURRENT if m.event_type in set(projection.event_types)]
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


async def fold(engine: AsyncEngine, projection: Projection, events: list[DomainEvent]) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(projection.metadata.drop_all)
        await conn.run_sync(projection.metadata.create_all)
    async with engine.begin() as conn:
        await projection.apply_batch(conn, envelopes(events))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite":
        yield "sqlite+aiosqlite://"
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        pytest.skip("PostgreSQL not available: set DATABASE_URL (make test starts one)")
    yield make_url(url).set(drivername="postgresql+asyncpg").render_as_string(False)


async def _engine(url: str) -> AsyncIterator[AsyncEngine]:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, poolclass=StaticPool)
        yield engine
        await engine.dispose()
        return
    schema = f"bounds_{uuid4().hex[:10]}"
    engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield engine
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()


@pytest.mark.parametrize(("name", "projection"), PROJECTIONS, ids=[n for n, _ in PROJECTIONS])
def test_every_projection_stores_any_value_its_events_admit(
    name: str, projection: type[Projection], engine_url: str
) -> None:
    postgres = not engine_url.startswith("sqlite")

    async def run(histories_drawn: list[list[DomainEvent]]) -> None:
        async for engine in _engine(engine_url):
            for events in histories_drawn:
                try:
                    await fold(engine, projection(), events)
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
