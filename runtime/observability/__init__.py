"""Observability: Prometheus metrics, structured JSON logs with correlation ids, traces."""

from __future__ import annotations

from fastapi import FastAPI

from runtime.observability.logs import CorrelationMiddleware
from runtime.observability.metrics import install_metrics
from runtime.observability.settings import ObservabilitySettings
from runtime.observability.tracing import install_tracing


def install_observability(app: FastAPI, settings: ObservabilitySettings | None = None) -> None:
    """``/metrics``, a correlation id on every request's logs, and HTTP spans when an
    exporter is configured (B2B_OTEL_EXPORTER)."""
    settings = settings or ObservabilitySettings()
    install_metrics(app)
    app.add_middleware(CorrelationMiddleware)
    install_tracing(app, settings.otel_exporter)
