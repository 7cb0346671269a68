"""Which servers the tests get: containers when an engine answers its ping (DOCKER_HOST, or a
Docker or Podman socket), else the deploy/local scripts, saying why. Real sockets stand in for
the engine: one that answers 200, one that answers something else, one nobody listens on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.containers import Engine, NoEngine, default_sockets, find_engine


def _serve(server: socket.socket, answer: bytes) -> None:
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            if conn.recv(1024).startswith(b"GET /_ping "):
                conn.sendall(answer)


@pytest.fixture
def engine_socket(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A unix socket answering ``GET /_ping`` with ``request.param`` (a status line)."""
    path = tmp_path / "engine.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()
    answer = f"HTTP/1.1 {request.param}\r\nContent-Length: 2\r\n\r\nOK".encode()
    thread = threading.Thread(target=_serve, args=(server, answer), daemon=True)
    thread.start()
    try:
        yield path
    finally:
        server.close()


def test_without_docker_host_or_socket_there_is_none_and_it_says_where_it_looked(
    tmp_path: Path,
) -> None:
    places = [str(tmp_path / "docker.sock"), str(tmp_path / "podman/podman.sock")]
    found = find_engine({}, places)
    assert isinstance(found, NoEngine)
    assert "DOCKER_HOST is unset" in found.reason
    assert all(place in found.reason for place in places)


@pytest.mark.parametrize("engine_socket", ["200 OK"], indirect=True)
def test_a_socket_that_answers_is_the_engine(engine_socket: Path, tmp_path: Path) -> None:
    found = find_engine({}, [str(tmp_path / "absent.sock"), str(engine_socket)])
    assert found == Engine(f"unix://{engine_socket}")


@pytest.mark.parametrize("engine_socket", ["200 OK"], indirect=True)
def test_docker_host_is_taken_over_the_sockets(engine_socket: Path, tmp_path: Path) -> None:
    found = find_engine({"DOCKER_HOST": f"unix://{engine_socket}"}, [str(tmp_path / "x.sock")])
    assert found == Engine(f"unix://{engine_socket}")


@pytest.mark.parametrize("engine_socket", ["500 Internal Server Error"], indirect=True)
def test_an_engine_that_answers_badly_is_none(engine_socket: Path) -> None:
    found = find_engine({"DOCKER_HOST": f"unix://{engine_socket}"})
    assert isinstance(found, NoEngine)
    assert "500 Internal Server Error" in found.reason


def test_a_socket_file_nobody_listens_on_is_none(tmp_path: Path) -> None:
    stale = tmp_path / "podman.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(stale))
    dead.close()  # the file stays, nobody listens: as after an engine stopped
    found = find_engine({}, [str(stale)])
    assert isinstance(found, NoEngine)
    assert "did not answer" in found.reason or "answered" in found.reason
    assert str(stale) in found.reason


def test_a_tcp_docker_host_that_answers_is_the_engine() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(
        target=_serve, args=(server, b"HTTP/1.0 200 OK\r\n\r\nOK"), daemon=True
    ).start()
    try:
        url = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        assert find_engine({"DOCKER_HOST": url}) == Engine(url)
    finally:
        server.close()


def test_the_usual_places_include_rootless_podman() -> None:
    places = default_sockets({"XDG_RUNTIME_DIR": "/run/user/1000"})
    assert "/run/user/1000/podman/podman.sock" in places
    assert "/var/run/docker.sock" in places
