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
from runtime.credentials import Credentials, DemoLogins, MintedTokens
from runtime.demo import Api, suppliers_present
from runtime.demo import seed as seed_demo
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.settings import Settings
from runtime.simulate import simulate

READY = "parties logged in;"
"""Starts the line ``b2b simulate`` writes (to stderr) when its clock starts: what comes after
is the orders' work alone (``make bench`` measures the server's CPU from there)."""


@contextlib.asynccontextmanager
async def _client(
    url: str | None, console: Console
) -> AsyncIterator[tuple[httpx.AsyncClient, Credentials]]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    if url is not None:
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            health = await client.get("/health")
            if health.status_code != 200:
                raise SystemExit(f"{url}/health answered {health.status_code}: is the system up?")
            yield client, DemoLogins(client, build_world())
        return
    with tempfile.TemporaryDirectory(prefix="b2b-simulate-") as data_dir:
        system = EmbeddedSystem(Path(data_dir), ALL_SERVICES)
        await system.start()
        # a private in-process system: no order rate limit, tokens minted with its own key
        app = app_for(system, Settings(order_rate="1000000/minute"))
        credentials = MintedTokens(app.state.security.tokens)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://embedded", timeout=60
            ) as client:
                with console.status("seeding a fresh embedded system with the demo world"):
                    await seed_demo(client, credentials)
                yield client, credentials
        finally:
            await system.stop()
            await app.state.security.close()


async def world_present(client: httpx.AsyncClient, credentials: Credentials) -> bool:
    """A system that seeded itself (``make run``) already has the demo world: leave it be."""
    return await suppliers_present(Api(client, credentials), build_world())


async def run_simulation(
    orders: int,
    concurrency: int,
    url: str | None,
    seed: int,
    timeout: float,
    console: Console,
    scenarios: list[str] | None = None,
) -> dict[str, Any]:
    async with _client(url, console) as (client, credentials):
        if url is not None and not await world_present(client, credentials):
            with console.status(f"seeding the demo world at {url}"):
                await seed_demo(client, credentials)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("orders", total=orders)
            summary = await simulate(
                client,
                build_world(),
                orders,
                concurrency,
                credentials=credentials,
                seed=seed,
                timeout=timeout,
                progress=lambda done: progress.update(task, completed=done),
                scenarios=scenarios,
                ready=lambda: console.print(f"{READY} driving {orders} orders"),
            )
    return summary.as_dict()
