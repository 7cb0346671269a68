"""The systems a bench drives, each in its own process: ``b2b run`` (SQLite or PostgreSQL) and a
trivial FastAPI app with the same server settings; their CPU read from /proc; wrk as the load."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.harness import Context

TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A server process under test: its URL and its own CPU time."""

    url: str
    pid: int
    data_dir: Path

    def cpu(self) -> float:
        """Seconds of CPU (user + system) the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS


async def _stop(child: asyncio.subprocess.Process) -> None:
    if child.returncode is not None:
        return
    child.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(child.wait(), timeout=30)
    except TimeoutError:
        child.kill()
        await child.wait()


@contextlib.asynccontextmanager
async def embedded(ctx: Context, name: str, database_url: str | None) -> AsyncIterator[Server]:
    """``b2b run`` in a child process on a free port, seeded with the demo world."""
    port, data_dir = free_port(), ctx.workdir / name
    env = {
        **os.environ,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "B2B_ORDER_RATE": "1000000/minute",
        "B2B_LOGIN_RATE": "1000000/minute",
        "B2B_LOG_LEVEL": "warning",
    }
    env.pop("B2B_EMBEDDED_DATABASE_URL", None)
    if database_url:
        env["B2B_EMBEDDED_DATABASE_URL"] = database_url
    log = (ctx.workdir / f"{name}-server.log").open("w")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "runtime.cli", "run", env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 900
        while not (data_dir / ".demo-seeded").exists():
            if child.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"b2b run did not come up; see {log.name}")
            await asyncio.sleep(0.5)
        async with httpx.AsyncClient(base_url=url) as client:
            assert (await client.get("/health")).status_code == 200
        yield Server(url, child.pid, data_dir)
    finally:
        await _stop(child)
        log.close()


@contextlib.asynccontextmanager
async def ping(ctx: Context) -> AsyncIterator[Server]:
    """The trivial FastAPI app (``bench/ping_app.py``) with the server settings of ``b2b run``."""
    port = free_port()
    app = Path(__file__).with_name("ping_app.py")
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(app),
        str(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/ping")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
        yield Server(url, child.pid, ctx.workdir)
    finally:
        await _stop(child)


@dataclass(frozen=True)
class WrkResult:
    rate: float
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, counts and the 50th and 99th latency percentiles of ``wrk --latency``."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: .*?(\d+) timeout", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += int(socket_errors.group(1)) if socket_errors else 0
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    return WrkResult(
        rate, requests, errors, _ms(p50.group(1)) if p50 else 0.0, _ms(p99.group(1)) if p99 else 0.0
    )


def wrk_available() -> str | None:
    return shutil.which("wrk")


async def wrk(
    url: str, *, connections: int, seconds: float, script: Path | None = None
) -> WrkResult:
    """``wrk`` (one thread: the other core runs the server) against ``url``."""
    binary = wrk_available()
    if binary is None:
        raise RuntimeError("wrk is not installed: deploy/local/bench-tools.sh installs it")
    args = [binary, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if script is not None:
        args += ["-s", str(script)]
    child = await asyncio.create_subprocess_exec(
        *args, url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await child.communicate()
    text = out.decode()
    if child.returncode != 0:
        raise RuntimeError(f"wrk failed: {text}")
    return parse_wrk(text)
