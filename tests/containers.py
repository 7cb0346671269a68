"""Kafka and PostgreSQL for the tests in containers (testcontainers' ``KafkaContainer`` and
``PostgresContainer``) when a container engine answers, else the deploy/local scripts.

An engine answers when ``DOCKER_HOST`` (or, unset, a Docker or Podman socket found at its usual
place) replies to ``GET /_ping``. Without one, :func:`find_engine` says why, and the fixtures
say it on the terminal before they start the scripts instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"
POSTGRES_IMAGE = "postgres:15"


def default_sockets(environ: Mapping[str, str] = os.environ) -> list[str]:
    """Where Docker and Podman (rootful and rootless) put their API sockets."""
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return [
        "/var/run/docker.sock",
        f"{runtime}/docker.sock",
        f"{runtime}/podman/podman.sock",
        "/run/podman/podman.sock",
    ]


@dataclass(frozen=True, slots=True)
class Engine:
    """A container engine that answered, as a ``DOCKER_HOST`` URL."""

    url: str


@dataclass(frozen=True, slots=True)
class NoEngine:
    reason: str


def find_engine(
    environ: Mapping[str, str] = os.environ,
    sockets: Sequence[str] | None = None,
    *,
    timeout: float = 2.0,
) -> Engine | NoEngine:
    """The engine to run containers on, or why there is none."""
    given = environ.get("DOCKER_HOST")
    if given:
        candidates = [given]
    else:
        found = [path for path in (sockets or default_sockets(environ)) if os.path.exists(path)]
        if not found:
            places = ", ".join(sockets or default_sockets(environ))
            return NoEngine(f"no container engine: DOCKER_HOST is unset and no socket at {places}")
        candidates = [f"unix://{path}" for path in found]
    silent = []
    for url in candidates:
        answer = _ping(url, timeout)
        if answer is None:
            return Engine(url)
        silent.append(f"{url} ({answer})")
    return NoEngine(f"no container engine answered GET /_ping: {'; '.join(silent)}")


def _ping(url: str, timeout: float) -> str | None:
    """None if the engine at ``url`` answers its ping with 200, else what went wrong."""
    parts = urlsplit(url)
    try:
        if parts.scheme == "unix":
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: str | tuple[str, int] = parts.path
        elif parts.scheme in ("tcp", "http"):
            conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (parts.hostname or "127.0.0.1", parts.port or 2375)
        else:
            return f"scheme {parts.scheme!r} not probed"
        with conn:
            conn.settimeout(timeout)
            conn.connect(address)
            conn.sendall(b"GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n")
            status = conn.recv(64).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError as error:
        return error.strerror or type(error).__name__
    if status.split(" ")[1:2] == ["200"]:
        return None
    return f"answered {status!r}" if status else "closed without an answer"


@contextlib.contextmanager
def _docker_host(engine: Engine) -> Iterator[None]:
    before = os.environ.get("DOCKER_HOST")
    os.environ["DOCKER_HOST"] = engine.url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DOCKER_HOST", None)
        else:
            os.environ["DOCKER_HOST"] = before


@contextlib.contextmanager
def kafka_container(engine: Engine) -> Iterator[str]:  # pragma: no cover - needs an engine
    """A single-node KRaft broker in a container; yields its bootstrap servers."""
    from testcontainers.community.kafka import KafkaContainer

    with _docker_host(engine), KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka:
        yield kafka.get_bootstrap_server()


@contextlib.contextmanager
def postgres_container(engine: Engine) -> Iterator[str]:  # pragma: no cover - needs an engine
    """PostgreSQL in a container; yields its asyncpg URL (a superuser: tests create databases)."""
    from testcontainers.community.postgres import PostgresContainer

    with (
        _docker_host(engine),
        PostgresContainer(
            POSTGRES_IMAGE, username="b2b", password="b2b", dbname="b2b", driver="asyncpg"
        ) as postgres,
    ):
        yield postgres.get_connection_url()
