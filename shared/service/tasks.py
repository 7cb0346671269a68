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
