"""The embedded runtime with every service, on a fresh data directory, behind an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[EmbeddedSystem]:
    running = EmbeddedSystem(tmp_path / "data", ALL_SERVICES)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def client(system: EmbeddedSystem) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_for(system))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
