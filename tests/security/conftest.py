"""The embedded app with real authentication (no X-Actor): tokens, API keys, webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.settings import Settings
from shared.service.auth.actor import Actor

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def test_settings(**overrides: str) -> Settings:
    return Settings(environment="test", secret_key=SECRET, **overrides)  # type: ignore[arg-type]


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[EmbeddedSystem]:
    running = EmbeddedSystem(tmp_path / "data", ALL_SERVICES)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def app(system: EmbeddedSystem) -> AsyncIterator[FastAPI]:
    built = app_for(system, test_settings())
    try:
        yield built
    finally:
        await built.state.security.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def as_actor(app: FastAPI) -> Callable[[str], dict[str, str]]:
    """Bearer headers for ``role:party``, minted with the app's key."""

    def headers(actor: str) -> dict[str, str]:
        token = app.state.security.tokens.issue(Actor.parse(actor))
        return {"Authorization": f"Bearer {token}"}

    return headers
