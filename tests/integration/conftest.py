"""Servers for the distributed tier: Kafka and PostgreSQL from the environment
(KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL), else started with the deploy/local scripts; then every
service as its own process behind the gateway (deploy/local/up.sh), in a namespace of its own."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("order", "pricing", "inventory", "logistics", "payment")


def _script(path: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["bash", str(ROOT / path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{path} failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    yield _script("deploy/local/kafka/start.sh")
    _script("deploy/local/kafka/stop.sh")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    env = {**os.environ, "PG_DIR": str(tmp_path_factory.mktemp("pg"))}
    yield _script("deploy/local/postgres/start.sh", env)
    _script("deploy/local/postgres/stop.sh", env)


@dataclass
class Distributed:
    """A running distributed system: its gateway URL, PID files, and its private namespace."""

    url: str
    up_dir: Path
    namespace: str
    env: dict[str, str]

    def pid(self, service: str) -> int:
        return int((self.up_dir / "pids" / f"{service}.pid").read_text())

    def up(self) -> None:
        """(Re)start whatever is not running; the gateway keeps its URL."""
        _script("deploy/local/up.sh", self.env)


@pytest.fixture(scope="module")
def distributed(
    kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Distributed]:
    namespace = f"t{uuid.uuid4().hex[:8]}"
    up_dir = tmp_path_factory.mktemp("up")
    env = {
        **os.environ,
        "UP_DIR": str(up_dir),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": database_url,
        "B2B_DATABASE_PREFIX": namespace,
        "B2B_KAFKA_NAMESPACE": f"{namespace}.",
    }
    system = Distributed("", up_dir, f"{namespace}.", env)
    try:
        system.up()
        system.url = (up_dir / "gateway-url").read_text().strip()
        yield system
    finally:
        _script("deploy/local/down.sh", env)


def simulate(system: Distributed, orders: int, seed: int) -> subprocess.Popen[str]:
    """``b2b simulate`` against the gateway, as a user runs it (started, not awaited)."""
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/b2b"),
            "simulate",
            "--orders",
            str(orders),
            "--concurrency",
            "4",
            "--seed",
            str(seed),
            "--timeout",
            "90",
            "--url",
            system.url,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
