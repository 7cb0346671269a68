"""A service node keeps its events where B2B_EVENT_STORE_URL says (KurrentDB in production) and
its read models, checkpoints and idempotency records in its PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from runtime.distributed.node import ServiceNode
from runtime.distributed.settings import NodeSettings
from runtime.services import ALL_SERVICES
from shared.events.envelope import metadata_for, new_event_id
from shared.eventstore.port import NewEvent
from shared.eventstore.sqlite import SqliteEventStore
from shared.service.context import utc_now

pytestmark = pytest.mark.postgres


async def test_events_go_to_the_event_store_url_and_read_models_to_postgresql(
    tmp_path: Path,
) -> None:
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        pytest.skip("PostgreSQL not available: set DATABASE_URL (make test starts one)")
    events_file = tmp_path / "order-events.db"
    settings = NodeSettings(
        service="order",
        database_url=database_url,
        database_prefix=f"node{uuid.uuid4().hex[:8]}",
        kafka_bootstrap_servers="127.0.0.1:9",  # the api role never connects to Kafka
        event_store_url=f"sqlite+aiosqlite:///{events_file}",
    )
    [order] = [d for d in ALL_SERVICES if d.name == "order"]
    node = ServiceNode(settings, order, roles=frozenset({"api"}))
    await node.start()
    try:
        store = node.context.store
        assert isinstance(store, SqliteEventStore)
        assert node.context.engine.dialect.name == "postgresql"
        supplier = uuid.uuid4()
        data = {"supplier_id": str(supplier), "name": "Acme", "currency": "EUR"}
        event = NewEvent(new_event_id(), "SupplierRegistered", data, 1, metadata_for(utc_now()))
        await store.append(f"supplier-{supplier}", [event])
        tables = await node.context.engine.table_names()
        assert "checkpoints" in tables
        assert "events" not in tables  # the events are not in PostgreSQL
    finally:
        await node.stop()
    reopened = await SqliteEventStore.open(events_file)
    try:
        assert [r.event_type for r in await reopened.read_all(0, 10)] == ["SupplierRegistered"]
    finally:
        await reopened.close()
