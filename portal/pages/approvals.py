"""Buyer approvals: the company's orders waiting for its approvers, and their answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from portal.backend import ApiError
from portal.deps import BuyerPage
from portal.i18n import _
from portal.pages.order_actions import Reason, Version, failed
from portal.pages.orders import back_to
from portal.session import CsrfChecked

router = APIRouter()


@router.get("/approvals", response_class=HTMLResponse)
async def approval_queue(page: BuyerPage) -> HTMLResponse:
    """What waits for the company's approvers, oldest first; what the viewer may answer first."""
    error = None
    rows: list[dict[str, Any]] = []
    rules: dict[str, Any] | None = None
    try:
        rows = await page.api.get("/api/v1/approvals")
        rules = await page.api.get(f"/api/v1/buyers/{page.user.party}/spending-rules")
    except ApiError as problem:
        error = problem
    rows.sort(key=lambda row: not row.get("can_answer"))
    return page.render(
        "approvals.html", orders=rows, rules=rules, names=await page.names(), error=error
    )


@router.post("/orders/{order_id}/approve", dependencies=[CsrfChecked])
async def approve(
    page: BuyerPage,
    order_id: str,
    note: Annotated[str, Form(max_length=500)] = "",
    version: Version = None,
) -> Response:
    body = {"note": note.strip() or None}
    try:
        result = await page.api.post(f"/api/v1/orders/{order_id}/approve", body, if_match=version)
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Approved."), result)


@router.post("/orders/{order_id}/disapprove", dependencies=[CsrfChecked])
async def disapprove(
    page: BuyerPage, order_id: str, reason: Reason, version: Version = None
) -> Response:
    try:
        result = await page.api.post(
            f"/api/v1/orders/{order_id}/disapprove", {"reason": reason}, if_match=version
        )
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Not approved; the order is rejected with your reason."), result)
