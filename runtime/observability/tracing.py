"""OpenTelemetry: a span per HTTP request (W3C traceparent in and out) when an exporter is
configured; with none (the default) no span is made, so requests pay nothing for tracing."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

_provider: TracerProvider | None = None


def tracer_provider(exporter: str = "none") -> TracerProvider:
    """The process's provider, made once; ``console`` prints finished spans to stdout."""
    global _provider
    if _provider is None:
        _provider = TracerProvider(resource=Resource.create({"service.name": "b2b-ordering"}))
        if exporter == "console":
            _provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        trace.set_tracer_provider(_provider)
    return _provider


def install_tracing(app: FastAPI, exporter: str = "none") -> None:
    if exporter == "none":
        return
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=tracer_provider(exporter), excluded_urls="/metrics,/health"
    )
