"""The simulator logs every party in before its clock starts: a log-in (a password check of
tens of milliseconds) is a session's cost, and must not be counted as the orders' work."""

from __future__ import annotations

import httpx

from runtime.demo_data import build_world
from runtime.simulate import OPERATIONS, simulate


class RecordedLogIns:
    def __init__(self) -> None:
        self.actors: list[str] = []

    async def headers(self, actor: str, person: str | None = None) -> dict[str, str]:
        self.actors.append(actor)
        return {"Authorization": "Bearer test"}


async def test_every_buyer_and_supplier_is_logged_in_before_the_clock_starts() -> None:
    world = build_world()
    credentials = RecordedLogIns()
    at_ready: list[list[str]] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request before the parties logged in: {request.url}")

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        summary = await simulate(
            client,
            world,
            0,
            1,
            credentials=credentials,
            ready=lambda: at_ready.append(list(credentials.actors)),
        )

    assert summary.orders == 0
    [logged_in] = at_ready
    expected = {OPERATIONS}
    expected |= {f"buyer:{buyer.buyer_id}" for buyer in world.buyers}
    expected |= {f"supplier:{supplier.supplier_id}" for supplier in world.suppliers}
    assert set(logged_in) == expected
