"""Servers for the distributed tier: Kafka and PostgreSQL from the environment
(KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL), else in containers when a container engine answers
(tests/containers.py: testcontainers), else started with the deploy/local scripts; then every
service as its own processes behind the gateway (deploy/local/up.sh with WORKERS=2: each
service's consumer groups have two members), in a namespace of its own, started and seeded
with the demo world once per session."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from runtime.credentials import DemoLogins
from runtime.demo import seed
from runtime.demo_data import build_world
from runtime.simulate import simulate
from tests.containers import Engine, find_engine, kafka_container, postgres_container

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("order", "pricing", "inventory", "logistics", "payment")
WORKERS = 2
# The demo parties with a tenth of the catalog: seeded in seconds, enough for every scenario.
WORLD = build_world(scale=0.1)
GIVEN_BROKER = (
    "KAFKA_BOOTSTRAP_SERVERS names a broker these tests did not start: "
    "set KAFKA_DIR to its deploy/local/kafka directory to let them restart it"
)
CONTAINER_BROKER = (
    "the broker runs in a container (testcontainers), which these tests do not restart: "
    "`make test` runs this test on the deploy/local broker"
)


def _script(path: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["bash", str(ROOT / path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{path} failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@dataclass(frozen=True)
class Broker:
    """The Kafka broker of this session; ``kafka_dir`` is set when the tests may restart it."""

    bootstrap: str
    kafka_dir: Path | None
    cannot_restart: str = ""
    """Why the tests may not restart this broker (empty: they may)."""

    def restart(self) -> None:
        """Stop the broker (SIGTERM, as an upgrade would) and start it on the same port."""
        assert self.kafka_dir is not None
        env = {**os.environ, "KAFKA_DIR": str(self.kafka_dir)}
        _script("deploy/local/kafka/stop.sh", env)
        port = self.bootstrap.rsplit(":", 1)[1]
        started = _script("deploy/local/kafka/start.sh", {**env, "KAFKA_PORT": port})
        assert started == self.bootstrap, f"the broker came back on {started}, not {self.bootstrap}"


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> Engine | None:
    """The container engine for the servers not given, or None (and why, on the terminal)."""
    found = find_engine()
    if isinstance(found, Engine):
        return found
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not (
        os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("DATABASE_URL")
    ):
        reporter.write_line(f"integration: {found.reason}; using the deploy/local scripts")
    return None


@pytest.fixture(scope="session")
def kafka_broker(
    tmp_path_factory: pytest.TempPathFactory, engine: Engine | None
) -> Iterator[Broker]:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        # with-kafka.sh exports the KAFKA_DIR of a broker it runs from deploy/local/kafka.
        kafka_dir = os.environ.get("KAFKA_DIR")
        status = subprocess.run(
            ["bash", str(ROOT / "deploy/local/kafka/status.sh")],
            env={**os.environ, "KAFKA_DIR": kafka_dir or "/nonexistent"},
            capture_output=True,
            text=True,
            check=False,
        )
        ours = kafka_dir is not None and status.stdout.strip() == given
        if ours and kafka_dir:
            yield Broker(given, Path(kafka_dir))
        else:
            yield Broker(given, None, GIVEN_BROKER)
        return
    if engine is not None:
        with kafka_container(engine) as bootstrap:  # not restarted by the tests: no kafka_dir
            yield Broker(bootstrap, None, CONTAINER_BROKER)
        return
    env = {**os.environ, "KAFKA_DIR": str(tmp_path_factory.mktemp("kafka"))}
    yield Broker(_script("deploy/local/kafka/start.sh", env), Path(env["KAFKA_DIR"]))
    _script("deploy/local/kafka/stop.sh", env)


@pytest.fixture(scope="session")
def database_url(engine: Engine | None) -> Iterator[str]:
    given = os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    if engine is not None:
        with postgres_container(engine) as url:
            yield url
        return
    # Not under pytest's private temp root: run as root, the cluster's owner must traverse it.
    pg_dir = tempfile.mkdtemp(prefix="b2b-test-pg-")
    env = {**os.environ, "PG_DIR": pg_dir}
    yield _script("deploy/local/postgres/start.sh", env)
    _script("deploy/local/postgres/stop.sh", env)
    shutil.rmtree(pg_dir, ignore_errors=True)


@dataclass
class Distributed:
    """A running distributed system: its gateway URL, PID files, and its private namespace."""

    url: str
    up_dir: Path
    namespace: str
    env: dict[str, str]
    broker: Broker

    def pid(self, process: str) -> int:
        """The pid of ``order`` (the service's process) or ``order-w2`` (its second worker)."""
        return int((self.up_dir / "pids" / f"{process}.pid").read_text())

    def up(self) -> None:
        """(Re)start whatever is not running; the gateway keeps its URL."""
        _script("deploy/local/up.sh", self.env)

    async def query(self, service: str, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` in ``service``'s database."""
        url = make_url(self.env["DATABASE_URL"]).set(
            drivername="postgresql+asyncpg",
            database=f"{self.env['B2B_DATABASE_PREFIX']}_{service}",
        )
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return [tuple(row) for row in await conn.execute(text(sql))]
        finally:
            await engine.dispose()


async def _seed(url: str) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await seed(client, DemoLogins(client, WORLD), WORLD)


@pytest.fixture(scope="session")
def distributed(
    kafka_broker: Broker, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Distributed]:
    """The five services up once per session, the demo world seeded once through the gateway."""
    namespace = f"t{uuid.uuid4().hex[:8]}"
    up_dir = tmp_path_factory.mktemp("up")
    env = {
        **os.environ,
        "UP_DIR": str(up_dir),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap,
        "DATABASE_URL": database_url,
        "B2B_DATABASE_PREFIX": namespace,
        "B2B_KAFKA_NAMESPACE": f"{namespace}.",
        "WORKERS": str(WORKERS),
    }
    system = Distributed("", up_dir, f"{namespace}.", env, kafka_broker)
    try:
        system.up()
        system.url = (up_dir / "gateway-url").read_text().strip()
        asyncio.run(_seed(system.url))
        yield system
    finally:
        _script("deploy/local/down.sh", env)


async def drive(
    system: Distributed, orders: int, seed: int, scenarios: list[str] | None = None
) -> dict[str, Any]:
    """Run ``orders`` lifecycles through the gateway as ``b2b simulate --url`` does (no re-seed)."""
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=system.url, timeout=60, limits=limits) as client:
        summary = await simulate(
            client,
            WORLD,
            orders,
            concurrency=orders,
            credentials=DemoLogins(client, WORLD),
            seed=seed,
            timeout=150,
            scenarios=scenarios,
        )
    return summary.as_dict()
