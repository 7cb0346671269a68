"""The security headers are added once each; a header a route set itself is kept as it is."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from shared.service.auth.headers import ALWAYS, PAGE_POLICY, SecurityHeaders


async def framed(request: Request) -> Response:
    return HTMLResponse("<p>embeddable</p>", headers={"X-Frame-Options": "SAMEORIGIN"})


async def data(request: Request) -> Response:
    return JSONResponse({"ok": True})


APP = SecurityHeaders(Starlette(routes=[Route("/framed", framed), Route("/data", data)]))


async def test_each_header_once_and_the_routes_own_value_kept() -> None:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/framed")
        answer = await client.get("/data")

    assert page.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert page.headers.get_list("content-security-policy") == [PAGE_POLICY]
    for name, value in ALWAYS.items():
        assert answer.headers.get_list(name) == [value]
    assert "content-security-policy" not in answer.headers
    assert answer.json() == {"ok": True}
