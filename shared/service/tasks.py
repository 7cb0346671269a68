"""Stopping background tasks so that a stop can never hang."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

import structlog

log = structlog.get_logger(__name__)


async def cancel_all(tasks: Iterable[asyncio.Task[Any]], *, grace: float = 5.0) -> None:
    """Cancel the tasks and wait for them; one that swallowed its cancellation (a library may,
    mid-wait) is cancelled again until it ends, so stopping can never hang."""
    tasks = list(tasks)
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=grace)
        if pending:
            log.warning("tasks ignored their cancellation; cancelling again", tasks=len(pending))
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            task.result()


async def end_stuck_connection_closes() -> None:
    """End SQLAlchemy's shielded graceful-close tasks that can never finish.

    A connection whose task is cancelled mid-query is closed by SQLAlchemy in a shielded task;
    with aiosqlite that task can wait forever on a worker thread a forced close already stopped,
    and then the event loop never closes. Cancelling it again ends it; call this after closing
    the stores.
    """
    stuck = [
        task
        for task in asyncio.all_tasks()
        if "_terminate_graceful_close" in getattr(task.get_coro(), "__qualname__", "")
    ]
    if stuck:
        log.info("ending connection closes left by cancelled queries", tasks=len(stuck))
        await cancel_all(stuck, grace=0.5)
