"""The embedded runtime with every service, on a fresh data directory, behind an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from tests.actor_client import actor_client


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
    """Requests name their actor with ``X-Actor: role:party`` (see tests/actor_client.py)."""
    async with actor_client(system) as http:
        yield http
