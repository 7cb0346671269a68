"""How the demo seed and ``b2b simulate`` act as each party: tokens minted in-process, or the
documented demo log-ins against a running system."""

from __future__ import annotations

import asyncio
from typing import Protocol

import httpx

from runtime.demo_accounts import DEMO_PASSWORD, demo_keys, demo_users
from runtime.demo_data import DemoWorld
from shared.service.auth.actor import Actor
from shared.service.auth.tokens import TokenService

LOG_IN_PATIENCE_S = 90.0
"""How long a demo log-in waits on the token endpoint's rate limit before giving up."""


def _retry_after(response: httpx.Response) -> float | None:
    """The seconds a 429 asks to wait (1 when it does not say), or None for any other answer."""
    if response.status_code != 429:
        return None
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.1), 30.0)
    except ValueError:
        return 1.0


class Credentials(Protocol):
    async def headers(self, actor: str, person: str | None = None) -> dict[str, str]:
        """The headers that authenticate a request as ``actor`` (``role:party``); ``person``
        names one of its users (an approver) where it matters who in the party acts."""
        ...


class MintedTokens:
    """Bearer tokens signed with the app's own key (in-process seed and simulation)."""

    def __init__(self, tokens: TokenService) -> None:
        self.tokens = tokens
        self._cache: dict[str, dict[str, str]] = {}

    async def headers(self, actor: str, person: str | None = None) -> dict[str, str]:
        key = f"{actor}/{person or ''}"
        if key not in self._cache:
            subject = person or f"internal:{actor}"
            token = self.tokens.issue(Actor.parse(actor), subject=subject)
            self._cache[key] = {"Authorization": f"Bearer {token}"}
        return self._cache[key]


class DemoLogins:
    """The demo users (token endpoint) and partner keys of a system running in development."""

    def __init__(self, client: httpx.AsyncClient, world: DemoWorld) -> None:
        self.client = client
        self.users: dict[str, str] = {}
        for user in demo_users(world):  # a party's first user acts for it (the purchaser)
            self.users.setdefault(str(user.actor), user.username)
        self.keys = {str(k.actor): k.api_key for k in demo_keys(world)}
        self.by_role = {u.actor.role: u.username for u in demo_users(world)}
        self.by_role.update({k.actor.role: k.api_key for k in demo_keys(world)})
        self._cache: dict[str, dict[str, str]] = {}
        self._lock = asyncio.Lock()

    async def headers(self, actor: str, person: str | None = None) -> dict[str, str]:
        key = f"{actor}/{person or ''}"
        if key in self._cache:
            return self._cache[key]
        async with self._lock:
            if key not in self._cache:
                self._cache[key] = await self._log_in(actor, person)
        return self._cache[key]

    async def _log_in(self, actor: str, person: str | None = None) -> dict[str, str]:
        if person is not None:
            return await self._token(person)
        role = Actor.parse(actor).role
        key = self.keys.get(actor) or (self.by_role.get(role) if role == "bank" else None)
        if key is not None:
            return {"X-API-Key": key}
        username = self.users.get(actor) or (
            self.by_role.get(role) if role in ("operations", "analyst") else None
        )
        if username is None:
            raise RuntimeError(f"no demo log-in for {actor}; is this the demo world?")
        return await self._token(username)

    async def _token(self, username: str) -> dict[str, str]:
        # The token endpoint is rate limited per client: a run that logs many demo users in
        # (or several runs in a row) waits as each 429's Retry-After says, within a bound.
        deadline = asyncio.get_running_loop().time() + LOG_IN_PATIENCE_S
        while True:
            response = await self.client.post(
                "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
            )
            wait = _retry_after(response)
            if wait is None or asyncio.get_running_loop().time() + wait > deadline:
                break
            await asyncio.sleep(wait)
        if response.status_code != 200:
            raise RuntimeError(
                f"demo log-in {username} answered {response.status_code}: {response.text[:200]}"
                " (demo users exist only in development)"
            )
        return {"Authorization": f"Bearer {response.json()['access_token']}"}
