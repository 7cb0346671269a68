"""The simulator acts as a client should when an order moved on between its read and its
command: a 412 makes it read the order again and retry with the new ETag, a few times."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from runtime.credentials import MintedTokens
from runtime.demo_data import build_world
from runtime.simulate import Lifecycle, PreconditionFailed
from shared.service.auth.tokens import TokenService

ORDER = "0193a0c0-0000-7000-8000-000000000001"


def _lifecycle(versions: list[int], refusals: int) -> tuple[Lifecycle, list[str]]:
    """An order whose read model answers ``versions`` in turn; the first ``refusals`` commands
    are answered 412. Returns the lifecycle and the If-Match headers the commands carried."""
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"order_id": ORDER, "version": versions.pop(0)})
        sent.append(request.headers["If-Match"])
        if len(sent) <= refusals:
            return httpx.Response(412, json={"detail": "stream is at another version"})
        return httpx.Response(200, json={"position": 9})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://test")
    tokens = MintedTokens(TokenService("s" * 32))
    return Lifecycle(client, tokens, build_world(), random.Random(1), 5.0), sent


def _approve(lifecycle: Lifecycle) -> object:
    return lambda etag: lifecycle._call(
        "POST", f"/api/v1/orders/{ORDER}/approve", "operations:test", {}, **{"If-Match": etag}
    )


async def test_a_command_refused_for_an_old_version_is_sent_again_with_the_new_one() -> None:
    lifecycle, sent = _lifecycle([3, 4], refusals=2)
    response = await lifecycle._with_current_version(ORDER, {"version": 2}, _approve(lifecycle))
    assert json.loads(response.content) == {"position": 9}
    assert sent == ['"2"', '"3"', '"4"']


async def test_an_order_that_keeps_moving_fails_the_step_after_a_few_tries() -> None:
    lifecycle, sent = _lifecycle([3, 4, 5, 6, 7], refusals=99)
    with pytest.raises(PreconditionFailed, match="412"):
        await lifecycle._with_current_version(ORDER, {"version": 2}, _approve(lifecycle))
    assert len(sent) == 5
