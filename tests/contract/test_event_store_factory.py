"""open_event_store chooses the adapter from the URL's scheme."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url

from shared.eventstore import NewEvent
from shared.eventstore.factory import open_event_store
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlite import SqliteEventStore

if TYPE_CHECKING:
    from tests.contract.conftest import StoreFactory


async def test_a_plain_path_or_a_sqlite_url_opens_sqlite(tmp_path: Path) -> None:
    plain = await open_event_store(str(tmp_path / "nested" / "order.db"))
    url = await open_event_store(f"sqlite+aiosqlite:///{tmp_path / 'pricing.db'}")
    try:
        assert isinstance(plain, SqliteEventStore)
        assert isinstance(url, SqliteEventStore)
        await url.append("order-1", [NewEvent(uuid.uuid4(), "OrderPlaced", {})])
        assert (tmp_path / "pricing.db").exists()
    finally:
        await plain.close()
        await url.close()


@pytest.mark.parametrize("driver", ["postgresql", "postgresql+asyncpg", "postgres"])
@pytest.mark.postgres
async def test_a_postgres_url_opens_postgres_in_the_schema_it_names(
    pg_store_factory: StoreFactory, driver: str
) -> None:
    assert pg_store_factory.url is not None
    url = make_url(pg_store_factory.url).set(drivername=driver)
    named = url.update_query_dict({"schema": pg_store_factory.schema})
    store = await open_event_store(named.render_as_string(hide_password=False))
    try:
        assert isinstance(store, PostgresEventStore)
        await store.append("order-1", [NewEvent(uuid.uuid4(), "OrderPlaced", {})])
        async with store.engine.connect() as conn:
            [(schema,)] = await conn.fetch("SELECT current_schema()")
        assert schema == pg_store_factory.schema
    finally:
        await store.close()


@pytest.mark.parametrize(
    "url", ["mysql+aiomysql://db/b2b", "sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"]
)
async def test_refuses_urls_it_cannot_serve(url: str) -> None:
    with pytest.raises(ValueError, match=r"SQLite|adapter|file"):
        await open_event_store(url)
