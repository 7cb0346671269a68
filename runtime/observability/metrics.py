"""Prometheus ``/metrics``: commands, appends, consumer and projection lag, dead letters.

Counters for HTTP commands are kept as requests pass; the rest is read from the running
system at scrape time (store heads, consumer positions, dead-letter tables).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.messaging.dead_letters import DeadLetters

_COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Metrics:
    """One app's metrics in their own registry (several apps may live in one test process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter(
            "b2b_commands", "Commands received over HTTP", ["route", "status"], registry=r
        )
        self.requests = Histogram(
            "b2b_http_request_seconds", "HTTP request time", ["method", "route"], registry=r
        )
        self.events = Gauge(
            "b2b_events_stored", "Events appended to a service's store so far", ["service"],
            registry=r,
        )  # fmt: skip
        self.consumer_lag = Gauge(
            "b2b_consumer_lag", "Events a policy consumer has still to handle",
            ["service", "consumer", "source"], registry=r,
        )  # fmt: skip
        self.projection_lag = Gauge(
            "b2b_projection_lag", "Events a projection has still to apply",
            ["service", "projection", "source"], registry=r,
        )  # fmt: skip
        self.dead_letters = Gauge(
            "b2b_dead_letters", "Dead letters waiting for an operator", ["service"], registry=r
        )
        self.commits = Gauge(
            "b2b_write_transactions",
            "Transactions a database's writer has committed (a service's, or the process's "
            "notifications and identity databases)",
            ["service"], registry=r,
        )  # fmt: skip
        self.units = Gauge(
            "b2b_units_of_work", "Units of work (commands, batches) the writer has run",
            ["service"], registry=r,
        )  # fmt: skip
        self.mail_lag = Gauge(
            "b2b_mail_feed_lag", "Events the mail outbox has still to read", ["source"],
            registry=r,
        )  # fmt: skip
        self.mail_due = Gauge(
            "b2b_mail_due", "Mails due now and not yet handed to the mail server", registry=r
        )
        self.writer_seconds = Gauge(
            "b2b_writer_cpu_seconds",
            "Process CPU time while a service's writer had a transaction open (on PostgreSQL"
            " also other work that ran while the writer awaited the server)",
            ["service"], registry=r,
        )  # fmt: skip

    async def observe(self, system: Any, notifications: Any = None, security: Any = None) -> None:
        """Refresh the gauges from a running system (its services, consumers and runners), its
        mail outbox, when it sends mail, and the identity database's writer, when given."""
        heads: dict[str, int] = {}
        for name, store in system.stores.items():
            heads[name] = await store.head_position()
            self.events.labels(name).set(heads[name])
        for name, running in system.services.items():
            for dispatcher in running.dispatchers:
                source = dispatcher.source
                for handler, position in dispatcher.positions.items():
                    lag = max(0, heads.get(source, 0) - position)
                    if handler.startswith("projection:"):
                        projection = handler.split(":")[1]
                        self.projection_lag.labels(name, projection, source).set(lag)
                    else:
                        self.consumer_lag.labels(name, handler, source).set(lag)
            engine = running.context.engine
            self.dead_letters.labels(name).set(await DeadLetters(engine).count())
            self.commits.labels(name).set(engine.commits)
            self.units.labels(name).set(engine.units)
            self.writer_seconds.labels(name).set(engine.busy_seconds)
        if notifications is not None and notifications.dispatchers:  # started
            for dispatcher in notifications.dispatchers:
                lag = max(0, heads.get(dispatcher.source, 0) - dispatcher.position)
                self.mail_lag.labels(dispatcher.source).set(lag)
            self.mail_due.set(await notifications.store.due_count(datetime.now(UTC)))
        others = {
            "notifications": getattr(notifications, "database", None),
            "identity": getattr(security, "engine", None),
        }
        for name, database in others.items():
            if database is not None:
                self.commits.labels(name).set(database.commits)
                self.units.labels(name).set(database.units)
                self.writer_seconds.labels(name).set(database.busy_seconds)


def route_template(scope: Scope) -> str:
    """The matched route's full template (``/api/v1/orders/{order_id}``), never the raw path.

    Routers included in routers match with their own path only; the prefix is what precedes it.
    """
    route = scope.get("route")
    inner: str | None = getattr(route, "path_format", None)
    if inner is None:
        return "unmatched"
    try:
        rendered = inner.format(**{k: str(v) for k, v in scope.get("path_params", {}).items()})
    except (KeyError, IndexError, ValueError):
        return inner
    path: str = scope["path"]
    return path[: -len(rendered)] + inner if rendered and path.endswith(rendered) else inner


class CommandMetricsMiddleware:
    """Counts commands by route template and status, and times every request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = route_template(scope)
            method = scope["method"]
            self.metrics.requests.labels(method, route).observe(time.perf_counter() - started)
            if method in _COMMAND_METHODS:
                self.metrics.commands.labels(route, str(status)).inc()


def install_metrics(app: FastAPI) -> Metrics:
    """Mount ``GET /metrics`` (Prometheus text format) and the command counter."""
    metrics = Metrics()
    app.state.metrics = metrics
    app.add_middleware(CommandMetricsMiddleware, metrics=metrics)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def prometheus(request: Request) -> Response:
        system = getattr(request.app.state, "system", None)
        if system is not None:
            notifications = getattr(request.app.state, "notifications", None)
            security = getattr(request.app.state, "security", None)
            await metrics.observe(system, notifications, security)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
