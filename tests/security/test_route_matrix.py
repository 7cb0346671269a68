"""Every route of the OpenAPI document x every role: the access policy decides, nothing else.

Fails when a route has no rule, when a role outside the rule gets anything but 403, when a
role inside it is refused, and when a request without credentials gets anything but 401."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from shared.service.auth.access import AccessPolicy
from shared.service.auth.actor import ROLES

PARTIES = {role: str(uuid.uuid4()) for role in ROLES}


def routes(app: FastAPI) -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: str(uuid.uuid4()) if "id" in m.group() else "X1", path)


async def call(client: httpx.AsyncClient, route: str, headers: dict[str, str]) -> httpx.Response:
    method, _, path = route.partition(" ")
    body = None if method in ("GET", "DELETE") else {}
    return await client.request(method, concrete(path), json=body, headers=headers)


def test_every_route_has_an_access_rule(app: FastAPI) -> None:
    missing = AccessPolicy.of(app.openapi()).missing(routes(app))
    assert missing == [], "declare access (allow(...) or the edge) on these routes"


async def test_every_role_gets_what_the_policy_says_on_every_route(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    policy = AccessPolicy.of(app.openapi())
    wrong = []
    checked = 0
    for route in routes(app):
        rule = policy.rules[route]
        for role in ROLES:
            response = await call(client, route, as_actor(f"{role}:{PARTIES[role]}"))
            checked += 1
            allowed = rule.public or role in rule.roles
            refused = response.status_code in (401, 403) and "Not allowed" in response.text
            if allowed == refused or response.status_code >= 500:
                wrong.append((route, role, response.status_code, response.text[:120]))
    assert checked == len(routes(app)) * len(ROLES)
    assert wrong == []


async def test_no_credentials_get_401_except_on_public_routes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    policy = AccessPolicy.of(app.openapi())
    wrong = []
    for route in routes(app):
        if not route.partition(" ")[2].startswith("/api/"):
            continue
        response = await call(client, route, {})
        public = policy.rules[route].public
        if (response.status_code == 401) == public:
            wrong.append((route, response.status_code))
        if response.status_code == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong == []


async def test_forged_or_expired_tokens_are_refused(client: httpx.AsyncClient) -> None:
    import jwt

    forged = jwt.encode(
        {"sub": "x", "role": "operations", "party": "x", "aud": "b2b-api", "iss": "b2b-ordering"},
        "another-key-that-is-long-enough-0123456789",
        algorithm="HS256",
    )
    for header in (f"Bearer {forged}", "Bearer not-a-jwt", "Basic abc"):
        response = await client.get("/api/v1/orders", headers={"Authorization": header})
        assert response.status_code == 401, header
