"""Metrics, correlation ids in JSON logs, and spans on an app with the observability installed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog
from fastapi import FastAPI

from runtime.observability import install_observability
from runtime.observability.logs import configure_logging
from runtime.observability.settings import ObservabilitySettings
from runtime.observability.tracing import tracer_provider


def small_app(exporter: str = "none") -> FastAPI:
    app = FastAPI()
    install_observability(app, ObservabilitySettings(otel_exporter=exporter))
    log = structlog.get_logger("test")

    @app.post("/api/v1/things/{thing_id}")
    async def make(thing_id: str) -> dict[str, str]:
        log.info("thing made", thing=thing_id)
        return {"id": thing_id}

    return app


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


async def test_commands_are_counted_by_route_template_and_status() -> None:
    transport = httpx.ASGITransport(app=small_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for thing in ("a", "b"):
            assert (await client.post(f"/api/v1/things/{thing}")).status_code == 200
        text = (await client.get("/metrics")).text
    assert 'b2b_commands_total{route="/api/v1/things/{thing_id}",status="200"} 2.0' in text


async def test_logs_are_json_with_the_callers_correlation_id_and_a_trace_id(
    json_logs: io.StringIO,
) -> None:
    transport = httpx.ASGITransport(app=small_app("console"))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post("/api/v1/things/x", headers={"X-Correlation-Id": "saga-42"})
    assert answer.headers["x-correlation-id"] == "saga-42"
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    made = next(line for line in lines if line["event"] == "thing made")
    assert made["correlation_id"] == "saga-42"
    assert made["path"] == "/api/v1/things/x"
    assert len(made["trace_id"]) == 32
    tracer_provider().force_flush()  # the console exporter writes while stdout is still open


def test_without_an_exporter_no_request_pays_for_spans() -> None:
    def instrumented(exporter: str) -> bool:
        return bool(getattr(small_app(exporter), "_is_instrumented_by_opentelemetry", False))

    assert instrumented("console")
    assert not instrumented("none")


async def test_a_request_without_a_correlation_id_gets_one() -> None:
    transport = httpx.ASGITransport(app=small_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post("/api/v1/things/y")
    assert len(answer.headers["x-correlation-id"]) == 36
