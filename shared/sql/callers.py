"""Callers first: background work gives way (bounded) while this process serves requests.

Commands and reads have a person or a client waiting on them; reactions, projections and mail
only have to happen soon. On one event loop, work runs in the order it became ready, so a
request that arrives while the reactions of the previous order are running would wait for all
of them. Background work therefore asks :data:`CALLERS` before each batch and waits while a
request is being served: until none is, until foreground work arrives for its writer, or
``GIVE_WAY_SECONDS`` at most (so reactions never starve under a steady stream of requests;
batches that waited are larger, and cost less per event).

A request counts from its first byte to the start of its response. A request that itself waits
for background work (a read that waits until a projection holds the caller's write) steps
aside while it waits (:meth:`Callers.aside`), or it would hold back what it waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

GIVE_WAY_SECONDS = 0.01


class Request:
    """One request as :class:`Callers` counts it (shared by the contexts its tasks copy)."""

    __slots__ = ("answered", "counted")

    def __init__(self) -> None:
        self.counted = True
        self.answered = False


_request: ContextVar[Request | None] = ContextVar("request_being_served", default=None)


class Callers:
    """How many requests this process is serving right now, and who waits for none."""

    def __init__(self) -> None:
        self.serving = 0
        self._waiters: list[asyncio.Future[None]] = []

    def begin(self) -> Request:
        """A request began in the current context; :meth:`answered` when its answer starts."""
        request = Request()
        _request.set(request)
        self.serving += 1
        return request

    def answered(self, request: Request) -> None:
        request.answered = True
        if request.counted:
            request.counted = False
            self._leave()

    @contextlib.contextmanager
    def aside(self) -> Iterator[None]:
        """While the current request waits for background work, it does not count."""
        request = _request.get()
        if request is None or not request.counted:
            yield
            return
        request.counted = False
        self._leave()
        try:
            yield
        finally:
            if not request.answered:
                request.counted = True
                self.serving += 1

    def _leave(self) -> None:
        self.serving -= 1
        if self.serving <= 0:
            self.serving = 0
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                _resolve(waiter)

    async def give_way(
        self, interrupt: asyncio.Future[None] | None = None, seconds: float = GIVE_WAY_SECONDS
    ) -> None:
        """Wait while requests are served: until none is, ``interrupt`` is resolved (foreground
        work arrived), or ``seconds`` pass."""
        if self.serving <= 0:
            return
        loop = asyncio.get_running_loop()
        waiter = interrupt if interrupt is not None else loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(seconds, _resolve, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


CALLERS = Callers()
"""This process's requests (one event loop per process serves them all)."""
