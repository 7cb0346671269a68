"""Event stores on every adapter: SQLite in tmp_path, PostgreSQL in a fresh schema per test,
KurrentDB in a fresh namespace (stream prefix) per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.eventstore.kurrentdb import KurrentDbEventStore
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sql import SqlEventStore
from shared.eventstore.sqlite import SqliteEventStore

NO_POSTGRES = "PostgreSQL not available: set DATABASE_URL or run deploy/local/postgres/start.sh"
NO_KURRENTDB = (
    "KurrentDB not available: set KURRENTDB_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false) "
    "or run the tests where a Docker engine answers"
)
KURRENTDB_IMAGE = "docker.kurrent.io/kurrent-latest/kurrentdb:25.1"
KURRENTDB_DIFFERENCES = {
    # What the KurrentDB adapter does differently on purpose (docs/deploy.md).
    "test_store_satisfies_the_port_and_exposes_its_engine": "KurrentDB has no SQL engine to share",
    "test_refuses_an_event_id_stored_in_another_stream": "KurrentDB: event ids are per stream",
    "test_a_duplicate_id_in_one_stream_writes_nothing_to_the_others": (
        "KurrentDB: event ids are per stream"
    ),
}


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
        if self.backend == "kurrentdb":
            assert self.url is not None  # subscriptions are pushed: no poll options apply
            kurrent = await KurrentDbEventStore.open(self.url, namespace=self.schema)
            self._opened.append(kurrent)  # type: ignore[arg-type]
            return kurrent  # type: ignore[return-value]
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
        if self.url is not None and self.backend == "postgres":
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


@pytest.fixture(scope="session")
def kurrentdb_url() -> Iterator[str]:
    """KURRENTDB_URL, or a throwaway server in Docker; skips when there is neither."""
    if url := os.environ.get("KURRENTDB_URL"):
        yield url
        return
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=3).ping()
    except Exception:
        pytest.skip(NO_KURRENTDB)
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    server = DockerContainer(KURRENTDB_IMAGE).with_exposed_ports(2113)
    server.with_env("KURRENTDB_INSECURE", "true").with_env("KURRENTDB_MEM_DB", "true")
    with server:
        wait_for_logs(server, "IS LEADER", timeout=120)
        host, port = server.get_container_host_ip(), server.get_exposed_port(2113)
        yield f"kurrentdb://{host}:{port}?tls=false"


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("kurrentdb", marks=pytest.mark.kurrentdb),
    ],
)
async def store_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StoreFactory]:
    if request.param == "kurrentdb":
        difference = KURRENTDB_DIFFERENCES.get(request.node.originalname)
        if difference:
            pytest.skip(difference)
        url = request.getfixturevalue("kurrentdb_url")
        factory = StoreFactory("kurrentdb", url=url)
    elif request.param == "memory":
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
