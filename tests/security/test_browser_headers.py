"""Browser headers: every portal page carries a strict Content-Security-Policy and refuses to be
framed; every answer forbids MIME sniffing; HSTS only over https. (tests/e2e/test_csp.py loads
every page in Chromium and checks that the policy blocks nothing the portal needs.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from portal.cart import COOKIE
from shared.service.auth.actor import Actor
from shared.service.auth.headers import PAGE_POLICY


async def logged_in(client: httpx.AsyncClient, app: FastAPI, username: str, role: str) -> None:
    await app.state.security.identity.set_user(username, "a right password!", Actor(role, "p-1"))
    page = await client.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"username": username, "password": "a right password!", "csrf_token": token}
    assert (await client.post("/login", data={**form, "next": "/portal/"})).status_code == 303


@pytest.fixture
async def https_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    english = {"Accept-Language": "en"}  # the portal's pages in English, as the checks read them
    async with httpx.AsyncClient(
        transport=transport, base_url="https://testserver", headers=english
    ) as http:
        yield http


def assert_page_headers(answer: httpx.Response) -> None:
    csp = answer.headers["content-security-policy"]
    assert csp == PAGE_POLICY
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


async def test_portal_pages_carry_the_policy(app: FastAPI, https_client: httpx.AsyncClient) -> None:
    """(Outside development the session cookie is Secure: these pages are fetched over https.)"""
    login = await https_client.get("/login")
    assert_page_headers(login)
    assert "<style" not in login.text
    await logged_in(https_client, app, "ops-user", "operations")
    for path in ("/portal/ops", "/portal/audit", "/portal/orders", "/portal/analytics"):
        answer = await https_client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        assert_page_headers(answer)
        assert "<script>" not in answer.text  # nothing inline for the policy to block
        assert "<style" not in answer.text
        assert " on" + "click=" not in answer.text


async def test_api_answers_are_not_sniffed_and_need_no_page_policy(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/health")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in answer.headers


async def test_the_api_docs_get_a_policy_of_their_own(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


async def test_hsts_only_over_https(
    client: httpx.AsyncClient, https_client: httpx.AsyncClient
) -> None:
    answer = await https_client.get("/login")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in (await client.get("/login")).headers


async def test_a_tampered_cart_cookie_is_ignored(
    app: FastAPI, https_client: httpx.AsyncClient
) -> None:
    await logged_in(https_client, app, "buyer-user", "buyer")
    https_client.cookies.set(COOKIE, "eyJ4IjogMX0.forged-signature")
    cart = await https_client.get("/portal/cart")
    assert cart.status_code == 200
    assert 'aria-label="0 lines in cart"' in cart.text
