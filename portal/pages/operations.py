"""Operations: find any order and its cross-service timeline, stuck orders, and the health of
the event stores, consumers and dead letters as far as this deployment exposes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import Page, StaffPage
from portal.i18n import _
from portal.session import CsrfChecked
from shared.events.statuses import OPEN

router = APIRouter(prefix="/ops")
STUCK_AFTER = timedelta(minutes=15)
WAITING = OPEN
OPTIONAL = {
    "dead_letters": ("/api/v1/ops/dead-letters", "b2b dead-letters list"),
    "projections": ("/api/v1/ops/projections", "b2b projections"),
}
"""Operator endpoints a deployment may offer (the embedded runtime does), and the CLI command
that shows the same where it does not."""
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
async def overview(
    page: StaffPage, done: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    return await render_overview(page, notice=done)


async def render_overview(
    page: Page, *, notice: str = "", error: ApiError | None = None, status_code: int = 200
) -> HTMLResponse:
    """The operations page; ``error`` is an action's failure, shown above everything."""
    orders: list[dict[str, Any]] = []
    try:
        orders = await page.api.get("/api/v1/orders", limit=500)
    except ApiError as problem:
        error = error or problem
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
        notice=notice,
        status_code=status_code,
    )


@router.post("/dead-letters/{letter_id}/retry", dependencies=[CsrfChecked])
async def retry_dead_letter(page: StaffPage, letter_id: str) -> Response:
    """Hand a dead letter's event to its consumer again, then back to the page with the outcome."""
    try:
        await page.api.post(f"/api/v1/ops/dead-letters/{quote(letter_id, safe='')}/retry")
    except ApiError as error:
        status = error.status if 400 <= error.status < 500 else 502
        return await render_overview(page, error=error, status_code=status)
    done = _("Dead letter %(letter)s retried: its consumer handled the event.", letter=letter_id)
    return RedirectResponse(f"/portal/ops?done={quote(done)}", 303)


@router.get("/find")
async def find(page: StaffPage, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Jump to an order by its id (pasted alone or inside any text)."""
    found = UUID_TEXT.search(q)
    if found is None:
        error = ApiError(
            422, "Not an order id", _("paste an order id like 01a2…-…; see recent orders")
        )
        return await render_overview(page, error=error, status_code=422)
    return RedirectResponse(f"/portal/orders/{found.group(0).lower()}", 303)
