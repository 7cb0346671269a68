"""Stopping background work never hangs, even on a task that swallows its first cancellation."""

from __future__ import annotations

import asyncio

from shared.service.tasks import cancel_all


async def test_a_task_that_swallows_its_cancellation_is_cancelled_again() -> None:
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1  # as asyncio.wait_for may on 3.11 when its wait just finished

    async def failing() -> None:
        raise RuntimeError("already failed")

    tasks = [asyncio.create_task(stubborn()), asyncio.create_task(failing())]
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_all(tasks, grace=0.05), timeout=5)
    assert swallowed == 1
    assert all(task.done() for task in tasks)
