"""A request counts from its first byte to the start of its answer; background work waits
for none to be served (bounded); a request waiting for background work steps aside."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from shared.service.callers_first import CallersFirst
from shared.sql.callers import CALLERS


def _app(seen: dict[str, int]) -> CallersFirst:
    async def plain(request: Request) -> JSONResponse:
        seen["during"] = CALLERS.serving
        with CALLERS.aside():
            seen["aside"] = CALLERS.serving
        seen["after aside"] = CALLERS.serving
        return JSONResponse({})

    async def stream(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first"
            seen["streaming"] = CALLERS.serving
            yield b"second"

        return StreamingResponse(chunks())

    async def fails(request: Request) -> JSONResponse:
        raise RuntimeError("boom")

    routes = [Route("/plain", plain), Route("/stream", stream), Route("/fails", fails)]
    return CallersFirst(Starlette(routes=routes))


async def test_a_request_counts_until_its_answer_starts_and_steps_aside_while_it_waits() -> None:
    seen: dict[str, int] = {}
    transport = httpx.ASGITransport(app=_app(seen), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        before = CALLERS.serving
        assert (await client.get("/plain")).status_code == 200
        assert seen == {"during": before + 1, "aside": before, "after aside": before + 1}
        assert (await client.get("/stream")).text == "firstsecond"
        assert seen["streaming"] == before, "a streamed answer does not hold reactions back"
        assert (await client.get("/fails")).status_code == 500
        assert CALLERS.serving == before, "every request, even a failed one, is let go"


async def test_give_way_ends_when_the_last_request_answers_or_its_bound_passes() -> None:
    assert CALLERS.serving == 0
    await asyncio.wait_for(CALLERS.give_way(seconds=60), 1)  # nobody served: no wait

    request = CALLERS.begin()
    waiting = asyncio.ensure_future(CALLERS.give_way(seconds=60))
    await asyncio.sleep(0.02)
    assert not waiting.done()
    CALLERS.answered(request)
    await asyncio.wait_for(waiting, 1)

    request = CALLERS.begin()
    try:
        await asyncio.wait_for(CALLERS.give_way(seconds=0.05), 1)  # bounded, though served
        interrupt = asyncio.get_running_loop().create_future()
        waiting = asyncio.ensure_future(CALLERS.give_way(interrupt, seconds=60))
        await asyncio.sleep(0.02)
        interrupt.set_result(None)  # foreground work arrived for the waiting writer
        await asyncio.wait_for(waiting, 1)
    finally:
        CALLERS.answered(request)
    assert CALLERS.serving == 0
