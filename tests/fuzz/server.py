"""The embedded app served by uvicorn on a free loopback port, in a thread with its own event
loop: the system's async database engines live on that loop, so a synchronous client (the
schemathesis fuzzer) can call it from the test thread."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.settings import Settings
from shared.service.auth.security import Security

START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Served:
    url: str
    security: Security


class _Server(uvicorn.Server):
    """Tells the test thread once it listens."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class _Thread(threading.Thread):
    def __init__(self, data_dir: Path, settings: Settings) -> None:
        super().__init__(name="fuzz-server", daemon=True)
        self.data_dir = data_dir
        self.settings = settings
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.ready = threading.Event()
        self.server: uvicorn.Server | None = None
        self.security: Security | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported to the test thread by ``served``
            self.error = error
        finally:
            self.ready.set()

    async def _serve(self) -> None:
        system = EmbeddedSystem(self.data_dir, ALL_SERVICES)
        await system.start()
        app = app_for(system, self.settings)
        self.security = app.state.security
        config = uvicorn.Config(
            app, lifespan="off", log_level="warning", access_log=False, timeout_graceful_shutdown=5
        )
        self.server = _Server(config, self.ready)
        try:
            await self.server.serve(sockets=[self.sock])
        finally:
            await app.state.security.close()
            await system.stop()


@contextlib.contextmanager
def served(data_dir: Path, settings: Settings) -> Iterator[Served]:
    """The app on ``http://127.0.0.1:<free port>`` until the block ends."""
    thread = _Thread(data_dir, settings)
    thread.start()
    thread.ready.wait(START_TIMEOUT)
    if thread.server is None or not thread.server.started or thread.security is None:
        raise RuntimeError(f"the fuzz server did not start in {START_TIMEOUT}s: {thread.error!r}")
    port = thread.sock.getsockname()[1]
    try:
        yield Served(f"http://127.0.0.1:{port}", thread.security)
    finally:
        thread.server.should_exit = True
        thread.join(START_TIMEOUT)
        thread.sock.close()
