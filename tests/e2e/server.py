"""Start the embedded system (`b2b run`) on a free loopback port in a temporary data directory,
and wait until it answers and its demo world is seeded. Used by the browser tests and
`make screenshots`."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-password"
Login = Callable[..., Page]
"""``login(username, phone=False)``: a new browser session logged in as that demo user."""
SEED_TIMEOUT = float(os.environ.get("E2E_SEED_TIMEOUT", "240"))


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log: Path


def _stop_with_parent() -> None:
    """In the child before exec: Linux sends it SIGTERM when the test process ends, however it
    ends (a hung browser test is ended by os._exit, which runs no fixture teardown)."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait(server: Server, process: subprocess.Popen[bytes]) -> None:
    """Poll until /health/ready (which waits for the demo seed) answers 200; fail with the log."""
    deadline = time.monotonic() + SEED_TIMEOUT
    while not _ready(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = server.log.read_text(errors="replace")[-3000:]
            state = "exited" if process.poll() is not None else f"not ready in {SEED_TIMEOUT}s"
            raise RuntimeError(f"the embedded system {state}; its log ends:\n{tail}")
        time.sleep(0.2)


@contextlib.contextmanager
def running_system(data_dir: Path, *, demo: bool = True) -> Iterator[Server]:
    """The whole system on a free port (seeded with ``demo``); stopped (SIGINT, then SIGKILL)."""
    port = free_port()
    log = data_dir / "server.log"
    env = {**os.environ, "B2B_ENVIRONMENT": "development", "B2B_DEMO": str(demo).lower()}
    # Every browser test logs its parties in from this one address, dozens a minute once the
    # server answers quickly: the per-address log-in limit (30/minute) would refuse some with
    # 429. The limit itself is tested in tests/security/test_rate_limits.py.
    env["B2B_LOGIN_RATE"] = "1000/minute"
    command = [str(Path(sys.executable).parent / "b2b"), "run", "--port", str(port)]
    command += ["--data-dir", str(data_dir)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_stop_with_parent,
        )
    server = Server(f"http://127.0.0.1:{port}", data_dir, log)
    try:
        _wait(server, process)
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
