"""Where ``b2b simulate`` runs: against a URL, or a fresh embedded system in a temp directory."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress

from runtime.app import app_for
from runtime.demo import seed as seed_demo
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.simulate import simulate


@contextlib.asynccontextmanager
async def _client(url: str | None, console: Console) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    if url is not None:
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            health = await client.get("/health")
            if health.status_code != 200:
                raise SystemExit(f"{url}/health answered {health.status_code}: is the system up?")
            yield client
        return
    with tempfile.TemporaryDirectory(prefix="b2b-simulate-") as data_dir:
        system = EmbeddedSystem(Path(data_dir), ALL_SERVICES)
        await system.start()
        try:
            transport = httpx.ASGITransport(app=app_for(system))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://embedded", timeout=60
            ) as client:
                with console.status("seeding a fresh embedded system with the demo world"):
                    await seed_demo(client)
                yield client
        finally:
            await system.stop()


async def run_simulation(
    orders: int, concurrency: int, url: str | None, seed: int, timeout: float, console: Console
) -> dict[str, Any]:
    async with _client(url, console) as client:
        if url is not None:
            with console.status(f"making sure the demo world is seeded at {url}"):
                await seed_demo(client)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("orders", total=orders)
            summary = await simulate(
                client,
                build_world(),
                orders,
                concurrency,
                seed=seed,
                timeout=timeout,
                progress=lambda done: progress.update(task, completed=done),
            )
    return summary.as_dict()
