"""Operations: find any order and its cross-service timeline, stuck orders, and the health of
the event stores, consumers and dead letters as far as this deployment exposes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import StaffPage

router = APIRouter(prefix="/ops")
STUCK_AFTER = timedelta(minutes=15)
WAITING = ("placed", "awaiting_confirmation", "backordered", "amendment_proposed", "confirmed",
           "shipped", "delivered", "accepted", "invoiced")  # fmt: skip
OPTIONAL = {
    "dead_letters": ("/api/v1/ops/dead-letters", "b2b dead-letters list"),
    "consumer_lag": ("/api/v1/ops/projections", "b2b projections"),
}
"""Operator endpoints a deployment may offer, and the CLI command that shows the same."""
UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def stuck(orders: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Orders still under way that nothing has touched for ``STUCK_AFTER``."""
    found = []
    for order in orders:
        if order["status"] not in WAITING:
            continue
        idle = now - datetime.fromisoformat(order["updated_at"])
        if idle >= STUCK_AFTER:
            found.append({**order, "idle_minutes": int(idle.total_seconds() // 60)})
    return sorted(found, key=lambda o: o["updated_at"])


@router.get("", response_class=HTMLResponse)
async def overview(page: StaffPage) -> HTMLResponse:
    error = None
    orders: list[dict[str, Any]] = []
    try:
        orders = await page.api.get("/api/v1/orders", limit=500)
    except ApiError as problem:
        error = problem
    health = await page.api.get_or_none("/health")
    optional: dict[str, Any] = {}
    for name, (path, command) in OPTIONAL.items():
        try:
            found = await page.api.get_or_none(path)
        except ApiError as problem:  # a route without an access rule does not exist here
            found = None if problem.status == 403 else problem
        optional[name] = {"found": found, "command": command}
    now = datetime.now(UTC)
    return page.render(
        "ops.html",
        recent=orders[:15],
        stuck=stuck(orders, now)[:50],
        stuck_after=int(STUCK_AFTER.total_seconds() // 60),
        health=health,
        optional=optional,
        names=await page.names(),
        error=error,
    )


@router.get("/find")
async def find(page: StaffPage, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Jump to an order by its id (pasted alone or inside any text)."""
    found = UUID_TEXT.search(q)
    if found is None:
        error = ApiError(
            422, "Not an order id", "paste an order id like 01a2…-…; see recent orders"
        )
        return page.render("ops.html", status_code=422, recent=[], stuck=[], stuck_after=15,
                           health=None, optional={}, names={}, error=error)  # fmt: skip
    return RedirectResponse(f"/portal/orders/{found.group(0).lower()}", 303)
