"""Counts the requests being served, so background work gives way to them (bounded).

See :mod:`shared.sql.callers`: a request counts from its first byte to the start of its
response, so a streamed answer (server-sent events) does not hold reactions back while it
streams.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.sql.callers import CALLERS


class CallersFirst:
    """ASGI middleware: HTTP requests count in :data:`shared.sql.callers.CALLERS`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = CALLERS.begin()

        async def started(message: Message) -> None:
            if message["type"] == "http.response.start":
                CALLERS.answered(request)
            await send(message)

        try:
            await self.app(scope, receive, started)
        finally:
            CALLERS.answered(request)
