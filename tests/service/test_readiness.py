"""/health/live answers at once; /health/ready only after the demo world is seeded."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import runtime.app
from runtime.app import create_app
from runtime.demo import seed as real_seed
from runtime.demo_data import build_world
from runtime.settings import Settings

READY_TIMEOUT = 60.0


async def _probe_until(
    client: httpx.AsyncClient, done: Callable[[httpx.Response], bool], seconds: float
) -> httpx.Response:
    """Poll /health/ready as a readiness probe would, until ``done`` holds (or fail)."""
    for _ in range(int(seconds / 0.05)):
        answer = await client.get("/health/ready")
        if done(answer):
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"/health/ready still answers {answer.status_code}: {answer.text}")


async def test_ready_only_once_the_demo_world_is_seeded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = asyncio.Event()
    seeding_started = asyncio.Event()

    async def gated_seed(client: httpx.AsyncClient, credentials: Any, **options: Any) -> None:
        seeding_started.set()
        await gate.wait()  # the seed is held here until the test has looked at readiness
        await real_seed(client, credentials, world=build_world(scale=0.03), **options)

    monkeypatch.setattr(runtime.app, "seed", gated_seed)
    announced: list[str] = []
    settings = Settings(data_dir=tmp_path, environment="development", demo=True)
    app = create_app(settings, on_ready=lambda: announced.append("ready"))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        await asyncio.wait_for(seeding_started.wait(), 10)
        assert (await client.get("/health/live")).status_code == 200
        waiting = await client.get("/health/ready")
        assert waiting.status_code == 503
        assert waiting.json()["waiting_for"] == ["demo seed"]
        assert announced == []

        gate.set()
        await _probe_until(client, lambda answer: answer.status_code == 200, READY_TIMEOUT)
        assert (tmp_path / ".demo-seeded").exists()
        assert announced == ["ready"]
        token = await client.post(
            "/api/v1/auth/token", data={"username": "buyer-01", "password": "demo-password"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        catalog = await client.get("/api/v1/catalog", headers=headers)
        assert catalog.status_code == 200
        assert catalog.json()["items"], "ready, yet the catalog is empty"


async def test_a_failed_seed_keeps_the_app_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_seed(client: httpx.AsyncClient, credentials: Any, **options: Any) -> None:
        raise RuntimeError("the catalog could not be registered")

    monkeypatch.setattr(runtime.app, "seed", broken_seed)
    app = create_app(Settings(data_dir=tmp_path, environment="development", demo=True))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        answer = await _probe_until(client, lambda a: a.json()["status"] != "starting", 10)
        assert answer.status_code == 503
        assert "catalog could not be registered" in answer.json()["failed"]["demo seed"]
