"""Liveness and readiness, as Kubernetes probes and `make up` read them.

``/health/live`` answers as soon as the process serves requests; ``/health/ready`` answers 200 only
once every startup step (stores open, the demo world seeded, ...) is done, and 503 naming the steps
still under way before that, so nobody is sent to a half-empty system."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from runtime.ops.answers import LiveAnswer, ReadyAnswer
from shared.service.auth.access import PUBLIC, allow
from shared.service.openapi_models import answers


class Readiness:
    """The startup steps a process still waits for; ready when none is left and none failed."""

    def __init__(self, *pending: str) -> None:
        self.pending: set[str] = set(pending)
        self.failed: dict[str, str] = {}
        self._listeners: list[Callable[[], None]] = []

    @property
    def ready(self) -> bool:
        return not self.pending and not self.failed

    def wait_for(self, step: str) -> None:
        self.pending.add(step)

    def done(self, step: str) -> None:
        was_ready = self.ready
        self.pending.discard(step)
        if self.ready and not was_ready:
            for listener in self._listeners:
                listener()

    def fail(self, step: str, reason: str) -> None:
        self.pending.discard(step)
        self.failed[step] = reason

    def on_ready(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` once, when the last step is done."""
        self._listeners.append(listener)


def readiness_of(app: FastAPI) -> Readiness:
    found: Readiness | None = getattr(app.state, "readiness", None)
    if found is None:
        found = app.state.readiness = Readiness()
    return found


def install_health_probes(app: FastAPI) -> Readiness:
    """Add ``/health/live`` and ``/health/ready`` to ``app``; the caller marks its startup steps."""
    readiness = readiness_of(app)

    @app.get(
        "/health/live", openapi_extra=allow(PUBLIC), **answers(LiveAnswer), tags=["operations"]
    )
    async def live() -> dict[str, str]:
        """The process serves requests (restart it only when this stops answering)."""
        return {"status": "live"}

    @app.get(
        "/health/ready",
        openapi_extra=allow(PUBLIC),
        tags=["operations"],
        response_model=None,
        responses={
            200: {"model": ReadyAnswer, "description": "Ready"},
            503: {"description": "Still starting (or a startup step failed)"},
        },
    )
    async def ready(request: Request) -> Any:
        """200 once startup work (stores, demo seed) is done; 503 with what is still under way."""
        state = readiness_of(request.app)
        if state.ready:
            return {"status": "ready"}
        body = {
            "status": "failed" if state.failed else "starting",
            "waiting_for": sorted(state.pending),
            "failed": state.failed,
        }
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    return readiness
