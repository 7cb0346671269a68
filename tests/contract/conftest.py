"""Event stores on every adapter: SQLite in tmp_path, PostgreSQL in a fresh schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlalchemy_store import SqlEventStore
from shared.eventstore.sqlite import SqliteEventStore

NO_POSTGRES = "PostgreSQL not available: set DATABASE_URL or run deploy/local/postgres/start.sh"


class StoreFactory:
    """Opens store objects on one database, each like another process: own pool, own wake-ups."""

    def __init__(self, backend: str, *, path: Path | None = None, url: str | None = None) -> None:
        self.backend = backend
        self.url = url
        self.schema = f"test_{uuid.uuid4().hex[:12]}"
        self._path = path
        self._opened: list[SqlEventStore] = []
        self._memory: InMemoryEventStore | None = None

    async def open(self, **options: Any) -> SqlEventStore:
        store: SqlEventStore
        if self.backend == "memory":
            # One process's memory is its only "database": every open shares it.
            if self._memory is None:
                self._memory = InMemoryEventStore()
            return self._memory  # type: ignore[return-value]
        if self._path is not None:
            store = await SqliteEventStore.open(self._path, **options)
        else:
            assert self.url is not None
            store = await PostgresEventStore.open(self.url, schema=self.schema, **options)
        self._opened.append(store)
        return store

    async def close(self) -> None:
        for store in self._opened:
            await store.close()
        if self.url is not None:
            engine = create_async_engine(self.url, poolclass=NullPool)
            async with engine.begin() as conn:
                await conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                await conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
            await engine.dispose()


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres")):
        pytest.skip(NO_POSTGRES)
    return url


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def store_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StoreFactory]:
    if request.param == "memory":
        factory = StoreFactory("memory")
    elif request.param == "sqlite":
        factory = StoreFactory("sqlite", path=tmp_path / "events.db")
    else:
        factory = StoreFactory("postgres", url=postgres_url())
    yield factory
    await factory.close()


@pytest.fixture
async def store(store_factory: StoreFactory) -> SqlEventStore:
    return await store_factory.open()


@pytest.fixture
async def pg_store_factory() -> AsyncIterator[StoreFactory]:
    factory = StoreFactory("postgres", url=postgres_url())
    yield factory
    await factory.close()
