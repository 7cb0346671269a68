"""Rate limits on log-in and order creation answer 429 with Retry-After."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from shared.service.auth.actor import Actor
from tests.security.conftest import test_settings


@pytest.fixture
async def strict(system: EmbeddedSystem) -> AsyncIterator[httpx.AsyncClient]:
    app = app_for(system, test_settings(login_rate="3/minute", order_rate="2/minute"))
    await app.state.security.identity.set_user("ann", "right-password", Actor("analyst", "a"))
    app.state.tokens = app.state.security.tokens
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.headers["X-Test-Token"] = app.state.security.tokens.issue(
                Actor("buyer", str(uuid.uuid4()))
            )
            yield http
    finally:
        await app.state.security.close()


async def test_login_is_rate_limited(strict: httpx.AsyncClient) -> None:
    answers = [
        (await strict.post("/api/v1/auth/token", data={"username": "ann", "password": p}))
        for p in ("wrong", "wrong", "right-password", "right-password")
    ]
    assert [a.status_code for a in answers] == [401, 401, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1


async def test_order_creation_is_rate_limited_per_actor(strict: httpx.AsyncClient) -> None:
    token = strict.headers["X-Test-Token"]
    headers = {"Authorization": f"Bearer {token}"}
    codes = [
        (await strict.post("/api/v1/orders", json={}, headers=headers)).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]
