"""Orders for buyers, suppliers and operations: lists, one order with its timeline, shipments,
invoices and the actions its viewer may take next (each a POST that redirects back here)."""

from __future__ import annotations

import hashlib
import os
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import Page, PageDep
from portal.templating import TERMINAL

router = APIRouter()
STATUS_FILTERS = (
    "awaiting_confirmation", "amendment_proposed", "awaiting_prepayment", "confirmed", "shipped",
    "delivered", "invoiced", "completed", "rejected", "cancelled",
)  # fmt: skip
STEPS = ("placed", "confirmed", "shipped", "delivered", "accepted", "invoiced", "completed")
REACHED = {
    "placed": 0, "awaiting_confirmation": 0, "backordered": 0, "amendment_proposed": 0,
    "confirmed": 1, "awaiting_prepayment": 1, "shipped": 2, "delivered": 3, "accepted": 4,
    "invoiced": 5, "completed": 6,
}  # fmt: skip


@router.get("/orders", response_class=HTMLResponse)
async def list_orders(
    page: PageDep,
    status: Annotated[str, Query(max_length=32)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The viewer's orders (operations: everyone's), newest first, filterable by status."""
    error = None
    rows: list[dict[str, Any]] = []
    chosen = status if status in STATUS_FILTERS else ""
    try:
        rows = await page.api.get("/api/v1/orders", status=chosen, limit=51, offset=offset)
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
        error=error,
    )


def demo_deliveries() -> bool:
    """Recording a carrier's delivery from the supplier's page is a development convenience:
    elsewhere carriers report deliveries themselves (API key or signed webhook)."""
    return os.environ.get("B2B_ENVIRONMENT", "development") == "development"


def fingerprint(
    order: dict[str, Any], shipments: list[dict[str, Any]], invoices: list[dict[str, Any]]
) -> str:
    """Changes whenever anything shown on the order page changes (polled by the page)."""
    parts = [order["status"], str(order["version"]), str(len(order.get("timeline") or []))]
    parts += [f"{s['shipment_id']}:{s['stream_version']}:{s['status']}" for s in shipments]
    parts += [f"{i['invoice_id']}:{i['status']}:{i['open_amount']['amount']}" for i in invoices]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


async def load_order(page: Page, order_id: str, at: int = 0) -> dict[str, Any]:
    """The order with its shipments and invoices, as the viewer may see them."""
    order: dict[str, Any] = await page.api.get(f"/api/v1/orders/{order_id}", min_position=at)
    shipments = await page.shipments(order_id=order_id)
    invoices = await page.api.get("/api/v1/invoices", order_id=order_id)
    order["shipment_rows"] = shipments
    order["invoice_rows"] = invoices
    order["fingerprint"] = fingerprint(order, shipments, invoices)
    return order


async def render_order(
    page: Page,
    order_id: str,
    *,
    at: int = 0,
    notice: str = "",
    error: ApiError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        order = await load_order(page, order_id, at)
    except ApiError as problem:
        if problem.status == 404:
            return page.render("not_found.html", status_code=404, what="order", error=problem)
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
    placed: bool = False,
    done: Annotated[str, Query(max_length=80)] = "",
) -> HTMLResponse:
    notice = "Order placed. We will show the supplier's answer here." if placed else done
    return await render_order(page, order_id, at=at, notice=notice)


@router.get("/orders/{order_id}/live")
async def order_changed(page: PageDep, order_id: str, seen: str = "") -> Response:
    """Polled by an open order page: 204 while nothing changed, else tell htmx to refresh."""
    try:
        order = await load_order(page, order_id)
    except ApiError:
        return Response(status_code=204)
    if order["fingerprint"] == seen:
        return Response(status_code=204)
    return Response(status_code=200, headers={"HX-Refresh": "true"})


def back_to(order_id: str, done: str, result: Any = None) -> RedirectResponse:
    """Back to the order with a notice; an order command's ``result`` makes the page wait for it."""
    position = result.get("position", 0) if isinstance(result, dict) else 0
    return RedirectResponse(f"/portal/orders/{order_id}?at={position}&done={quote(done)}", 303)
