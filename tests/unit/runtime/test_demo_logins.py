"""Demo log-ins wait out the token endpoint's rate limit as its 429 says, within a bound."""

from __future__ import annotations

import httpx
import pytest

from runtime import credentials
from runtime.credentials import DemoLogins
from runtime.demo_accounts import demo_users
from runtime.demo_data import build_world


def _client(answers: list[httpx.Response], calls: list[httpx.Request]) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return answers.pop(0)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://test")


def _too_many(wait: str) -> httpx.Response:
    return httpx.Response(429, headers={"Retry-After": wait}, json={"detail": "slow down"})


async def test_a_rate_limited_log_in_waits_and_tries_again() -> None:
    world = build_world()
    buyer = next(u for u in demo_users(world) if u.actor.role == "buyer")
    calls: list[httpx.Request] = []
    answers = [_too_many("0.1"), _too_many("0"), httpx.Response(200, json={"access_token": "t"})]
    async with _client(answers, calls) as client:
        headers = await DemoLogins(client, world).headers(str(buyer.actor))
    assert headers == {"Authorization": "Bearer t"}
    assert len(calls) == 3


async def test_a_log_in_refused_longer_than_its_patience_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(credentials, "LOG_IN_PATIENCE_S", 0.5)
    world = build_world()
    buyer = next(u for u in demo_users(world) if u.actor.role == "buyer")
    calls: list[httpx.Request] = []
    async with _client([_too_many("0.3"), _too_many("0.3"), _too_many("0.3")], calls) as client:
        with pytest.raises(RuntimeError, match="answered 429"):
            await DemoLogins(client, world).headers(str(buyer.actor))
    assert len(calls) == 2  # the second wait would end past the half second
