"""Orders for buyers, suppliers and operations: lists, one order with its timeline, shipments,
invoices and the actions its viewer may take next (each a POST that redirects back here)."""

from __future__ import annotations

import os
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import Page, PageDep
from portal.i18n import _, ngettext
from portal.templating import TERMINAL
from shared.events.statuses import OrderStatus

router = APIRouter()
STATUS_FILTERS = (
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.AWAITING_CONFIRMATION,
    OrderStatus.AMENDMENT_PROPOSED,
    OrderStatus.AWAITING_PREPAYMENT,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.INVOICED,
    OrderStatus.COMPLETED,
    OrderStatus.REJECTED,
    OrderStatus.CANCELLED,
)
STEPS = ("placed", "confirmed", "shipped", "delivered", "accepted", "invoiced", "completed")
REACHED = {
    OrderStatus.PLACED: 0,
    OrderStatus.AWAITING_APPROVAL: 0,
    OrderStatus.ON_HOLD: 0,
    OrderStatus.AWAITING_CONFIRMATION: 0,
    OrderStatus.BACKORDERED: 0,
    OrderStatus.AMENDMENT_PROPOSED: 0,
    OrderStatus.CONFIRMED: 1,
    OrderStatus.AWAITING_PREPAYMENT: 1,
    OrderStatus.SHIPPED: 2,
    OrderStatus.DELIVERED: 3,
    OrderStatus.ACCEPTED: 4,
    OrderStatus.INVOICED: 5,
    OrderStatus.COMPLETED: 6,
}
"""How far along the steps an order of each status is (rejected and cancelled ones stopped)."""


@router.get("/orders", response_class=HTMLResponse)
async def list_orders(
    page: PageDep,
    status: Annotated[str, Query(max_length=32)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    at: Annotated[int, Query(ge=0)] = 0,
    placed: Annotated[int, Query(ge=0, le=100)] = 0,
) -> HTMLResponse:
    """The viewer's orders (operations: everyone's), newest first, filterable by status; after
    a checkout (``placed`` orders at position ``at``) they are listed at once."""
    error = None
    rows: list[dict[str, Any]] = []
    chosen = status if status in STATUS_FILTERS else ""
    notice = ngettext("%(num)s order placed.", "%(num)s orders placed.", placed) if placed else ""
    try:
        rows = await page.api.get(
            "/api/v1/orders", status=chosen, limit=51, offset=offset, min_position=at or None
        )
    except ApiError as problem:
        error = problem
    return page.render(
        "orders.html",
        orders=rows[:50],
        more=len(rows) > 50,
        offset=offset,
        status=chosen,
        statuses=STATUS_FILTERS,
        names=await page.names(),
        notice=notice,
        error=error,
    )


def demo_deliveries() -> bool:
    """Recording a carrier's delivery from the supplier's page is a development convenience:
    elsewhere carriers report deliveries themselves (API key or signed webhook)."""
    return os.environ.get("B2B_ENVIRONMENT", "development") == "development"


async def load_order(page: Page, order_id: str, at: int = 0, of: str = "order") -> dict[str, Any]:
    """The order with its shipments and invoices, as the viewer may see them."""
    order: dict[str, Any] = await page.api.get(
        f"/api/v1/orders/{order_id}", min_position=at, position_of=of if at else None
    )
    shipments = await page.shipments(order_id=order_id)
    invoices = await page.api.get("/api/v1/invoices", order_id=order_id)
    order["shipment_rows"] = shipments
    order["invoice_rows"] = invoices
    return order


async def render_order(
    page: Page,
    order_id: str,
    *,
    at: int = 0,
    of: str = "order",
    notice: str = "",
    error: ApiError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        order = await load_order(page, order_id, at, of)
    except ApiError as problem:
        if problem.status == 404:
            return page.render(
                "not_found.html", status_code=404, what_label=_("order"), error=problem
            )
        raise
    names = await page.names()
    carriers = await page.api.get("/api/v1/carriers")
    products = await page.api.get("/api/v1/products", supplier_id=order["supplier_id"])
    step = REACHED.get(order["status"], -1)
    pending = [
        n
        for n in order.get("negotiation") or []
        if n["kind"] == "OrderAmendmentProposed"
        and not any(
            m["kind"] != "OrderAmendmentProposed" and m.get("proposal_id") == n.get("proposal_id")
            for m in order.get("negotiation") or []
        )
    ]
    return page.render(
        "order.html",
        status_code=status_code,
        order=order,
        names=names,
        steps=STEPS,
        step=step,
        terminal=order["status"] in TERMINAL,
        pending_amendment=pending[-1] if pending else None,
        products={p["sku"]: p for p in products["items"]},
        carriers=carriers,
        warehouses=await page.own_warehouses(),
        demo_deliveries=demo_deliveries(),
        notice=notice,
        error=error,
    )


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def show_order(
    page: PageDep,
    order_id: str,
    at: Annotated[int, Query(ge=0)] = 0,
    of: Annotated[str, Query(pattern="^(order|pricing|inventory|logistics|payment)$")] = "order",
    placed: bool = False,
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    notice = _("Order placed. We will show the supplier's answer here.") if placed else done
    return await render_order(page, order_id, at=at, of=of, notice=notice)


LIVE_WAIT_SECONDS = 10
"""How long an open order page's request waits for a change (the API's long poll)."""


@router.get("/orders/{order_id}/live")
async def order_changed(
    page: PageDep, order_id: str, seen: Annotated[int, Query(ge=0, le=1_000_000)] = 0
) -> Response:
    """Held open by an order page until the order changes (every service's events about it count,
    its shipments and invoices too): then htmx refreshes the page; 204 after the wait."""
    try:
        order = await page.api.get(
            f"/api/v1/orders/{order_id}", after_revision=seen, wait=LIVE_WAIT_SECONDS
        )
    except ApiError:
        return Response(status_code=204)
    if order["revision"] <= seen:
        return Response(status_code=204)
    return Response(status_code=200, headers={"HX-Refresh": "true"})


def back_to(
    order_id: str, done: str, result: Any = None, source: str = "order"
) -> RedirectResponse:
    """Back to the order with a notice; a command's ``result`` (from ``source``'s API) makes the
    page wait until the order reflects it, so its status and its cards never disagree."""
    position = result.get("position", 0) if isinstance(result, dict) else 0
    at = f"at={position}" + (f"&of={source}" if source != "order" else "")
    return RedirectResponse(f"/portal/orders/{order_id}?{at}&done={quote(done)}", 303)
