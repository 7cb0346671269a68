"""Every endpoint and dependency of the app is async: FastAPI runs a plain ``def`` in a worker
thread, a hop that cost a request more than its own work (docs/BENCHMARKS.md)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES


def calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from calls(sub)


def is_async(call: Any) -> bool:
    if inspect.iscoroutinefunction(call):
        return True
    # an instance whose __call__ is a coroutine function (FastAPI awaits it directly)
    return not inspect.isroutine(call) and inspect.iscoroutinefunction(type(call).__call__)


async def test_no_route_or_dependency_runs_in_a_worker_thread(tmp_path: Path) -> None:
    system = EmbeddedSystem(tmp_path, ALL_SERVICES)
    await system.start()
    try:
        app = app_for(system)
        routes = [r for r in app.routes if isinstance(r, APIRoute)]
        assert len(routes) > 50
        sync = sorted(
            {
                f"{route.path}: {getattr(call, '__qualname__', call)}"
                for route in routes
                for call in (route.endpoint, *calls(route.dependant))
                if not is_async(call)
            }
        )
        assert sync == [], f"make these async (no I/O needed): {sync}"
        await app.state.security.close()
    finally:
        await system.stop()
