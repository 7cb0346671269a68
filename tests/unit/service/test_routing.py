"""The indexed router answers every request as Starlette's own router does."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from starlette.responses import PlainTextResponse
from starlette.routing import Mount

from shared.service.routing import IndexedRouter, index_routes


def _app(indexed: bool) -> FastAPI:
    app = FastAPI()
    if indexed:
        index_routes(app.router)

    @app.get("/health")
    def health() -> str:
        return "health"

    @app.get("/api/v1/orders")
    def orders() -> str:
        return "orders"

    @app.post("/api/v1/orders")
    def place() -> str:
        return "place"

    @app.get("/api/v1/orders/export")
    def export() -> str:
        return "export"

    @app.get("/api/v1/orders/{order_id}")
    def order(order_id: str) -> str:
        return f"order {order_id}"

    @app.get("/api/v1/order-lines/{line}")
    def line(line: int) -> str:
        return f"line {line}"

    @app.get("/portal/orders/{order_id}/lines")
    def portal_lines(order_id: str) -> str:
        return f"portal {order_id}"

    @app.get("/{anything}/x")
    def anything(anything: str) -> str:
        return f"anything {anything}"

    @app.get("/slashed/")
    def slashed() -> str:
        return "slashed"

    app.router.routes.append(Mount("/static", app=PlainTextResponse("static")))
    return app


PROBES = [
    ("GET", "/health"),
    ("GET", "/health/"),
    ("GET", "/api/v1/orders"),
    ("POST", "/api/v1/orders"),
    ("DELETE", "/api/v1/orders"),
    ("GET", "/api/v1/orders/"),
    ("GET", "/api/v1/orders/export"),
    ("GET", "/api/v1/orders/42"),
    ("PUT", "/api/v1/orders/42"),
    ("GET", "/api/v1/order-lines/7"),
    ("GET", "/api/v1/order-lines/seven"),
    ("GET", "/api/v1/ord"),
    ("GET", "/portal/orders/9/lines"),
    ("GET", "/portal/orders/9"),
    ("GET", "/api/x"),
    ("GET", "/slashed"),
    ("GET", "/static/a.css"),
    ("GET", "/"),
    ("GET", "/nowhere/at/all/deep"),
]


async def _answer(app: FastAPI, method: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path)


@pytest.mark.parametrize(("method", "path"), PROBES)
async def test_the_indexed_router_answers_as_starlette_does(method: str, path: str) -> None:
    plain = await _answer(_app(indexed=False), method, path)
    indexed = await _answer(_app(indexed=True), method, path)
    assert (indexed.status_code, indexed.text, indexed.headers.get("location")) == (
        plain.status_code,
        plain.text,
        plain.headers.get("location"),
    )


def test_a_path_tries_only_the_routes_it_could_match() -> None:
    app = _app(indexed=True)
    router = app.router.middleware_stack
    assert isinstance(router, IndexedRouter)
    tried = {getattr(route, "path", "") for route in router.candidates("/api/v1/orders/42")}
    assert "/health" not in tried
    assert "/api/v1/orders/{order_id}" in tried
    assert "/{anything}/x" in tried  # a parameter first: tried for every path
