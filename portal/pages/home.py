"""Where each role lands, and the buyer's notifications: what changed and what needs an answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from portal.backend import ApiError
from portal.deps import PageDep
from portal.i18n import N_, _

router = APIRouter()
LANDING = {
    "buyer": "/portal/catalog",
    "supplier": "/portal/supplier/queue",
    "operations": "/portal/ops",
    "analyst": "/portal/analytics",
}
NEEDS_BUYER = {
    "amendment_proposed": N_("The supplier proposes a change: accept or decline it."),
    "delivered": N_("Goods delivered: inspect them and accept or reject each line."),
    "invoiced": N_("An invoice is waiting for payment."),
    "rejected": N_("The supplier rejected this order."),
}


@router.get("/")
async def landing(page: PageDep) -> RedirectResponse:
    return RedirectResponse(LANDING.get(page.user.role, "/portal/orders"), 303)


@router.get("/notifications", response_class=HTMLResponse)
async def notifications(page: PageDep) -> HTMLResponse:
    """Recent changes to the viewer's orders, newest first, with what to do about each."""
    items: list[dict[str, Any]] = []
    error = None
    try:
        orders = await page.api.get("/api/v1/orders", limit=30)
        orders.sort(key=lambda o: o["updated_at"], reverse=True)
        for order in orders[:15]:
            items.append(
                {
                    "order": order,
                    "action": _(NEEDS_BUYER[order["status"]])
                    if page.user.role == "buyer" and order["status"] in NEEDS_BUYER
                    else None,
                }
            )
        invoices = await page.api.get("/api/v1/invoices", status="overdue")
    except ApiError as problem:
        error, invoices = problem, []
    return page.render(
        "notifications.html",
        items=items,
        overdue=invoices,
        names=await page.names(),
        error=error,
    )
