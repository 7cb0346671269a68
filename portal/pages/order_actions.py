"""What buyers and suppliers do to an order from its page: confirm, reject, amend and answer,
cancel, ship and record delivery, inspect goods, reorder. Each redirects back to the order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from portal.backend import ApiError
from portal.cart import cart_of, save
from portal.deps import BuyerPage, Page, PageDep, SupplierPage, role
from portal.i18n import _
from portal.pages.orders import back_to, demo_deliveries, render_order
from portal.session import CsrfChecked

router = APIRouter(dependencies=[CsrfChecked])
Reason = Annotated[str, Form(min_length=1, max_length=500)]
SETTLE_SECONDS = 5.0
Version = Annotated[int | None, Form()]
ReleasingPage = Annotated[Page, Depends(role("supplier", "operations"))]


async def failed(page: Page, order_id: str, error: ApiError) -> Response:
    """Show the order again with the API's reason, at the status it answered."""
    status = error.status if 400 <= error.status < 500 else 502
    if error.status == 412:
        error.detail = "the order changed while you were looking at it; review it and try again"
    return await render_order(page, order_id, error=error, status_code=status)


@router.post("/orders/{order_id}/confirm")
async def confirm(
    page: SupplierPage,
    order_id: str,
    version: Version = None,
    delivery_date: Annotated[str, Form()] = "",
) -> Response:
    body = {"delivery_date": delivery_date or None}
    try:
        result = await page.api.post(f"/api/v1/orders/{order_id}/confirm", body, if_match=version)
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Order confirmed."), result)


@router.post("/orders/{order_id}/reject")
async def reject(
    page: SupplierPage, order_id: str, reason: Reason, version: Version = None
) -> Response:
    try:
        result = await page.api.post(
            f"/api/v1/orders/{order_id}/reject", {"reason": reason}, if_match=version
        )
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Order rejected; the buyer sees your reason."), result)


@router.post("/orders/{order_id}/release")
async def release(
    page: ReleasingPage, order_id: str, reason: Reason, version: Version = None
) -> Response:
    try:
        result = await page.api.post(
            f"/api/v1/orders/{order_id}/release", {"reason": reason}, if_match=version
        )
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Order released; it goes on to the supplier's queue."), result)


@router.post("/orders/{order_id}/cancel")
async def cancel(page: PageDep, order_id: str, reason: Reason, version: Version = None) -> Response:
    try:
        result = await page.api.post(
            f"/api/v1/orders/{order_id}/cancel", {"reason": reason}, if_match=version
        )
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Order cancelled."), result)


@router.post("/orders/{order_id}/amend")
async def propose_amendment(page: SupplierPage, request: Request, order_id: str) -> Response:
    """One change per line the supplier filled in: quantity, unit price and/or delivery date."""
    form = await request.form()
    changes: list[dict[str, Any]] = []
    for raw in form.getlist("line_no"):
        n = str(raw)
        change: dict[str, Any] = {"line_no": int(n), "sku": str(form.get(f"sku_{n}") or "")}
        quantity = str(form.get(f"quantity_{n}") or "").strip()
        price = str(form.get(f"unit_price_{n}") or "").strip()
        day = str(form.get(f"delivery_date_{n}") or "").strip()
        if quantity:
            change["quantity"] = int(quantity) if quantity.isdigit() else quantity
        if price:
            change["unit_price"] = {"amount": price, "currency": str(form.get("currency") or "")}
        if day:
            change["delivery_date"] = day
        if len(change) > 2:
            changes.append(change)
    if not changes:
        error = ApiError(422, "Nothing to propose", _("change a quantity, price or date of a line"))
        return await failed(page, order_id, error)
    body = {"changes": changes, "note": str(form.get("note") or "").strip() or None}
    version = str(form.get("version") or "") or None
    try:
        result = await page.api.post(
            f"/api/v1/orders/{order_id}/amendments", body, if_match=version
        )
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Amendment sent to the buyer."), result)


@router.post("/orders/{order_id}/amendments/{proposal_id}/{answer}")
async def answer_amendment(
    page: BuyerPage,
    order_id: str,
    proposal_id: str,
    answer: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if answer not in ("accept", "decline"):
        return await failed(page, order_id, ApiError(404, "Unknown answer", _("accept or decline")))
    path = f"/api/v1/orders/{order_id}/amendments/{proposal_id}/{answer}"
    try:
        result = await page.api.post(path, {"reason": reason or None})
    except ApiError as error:
        return await failed(page, order_id, error)
    done = _("Amendment accepted.") if answer == "accept" else _("Amendment declined.")
    return back_to(order_id, done, result)


async def counted(page: Page, order_id: str, counter: str) -> int:
    """How many of its shipments (or invoices) the order's own read model counts as ``counter``
    (``shipped``, ``delivered``, ``resolutions``, ``settled``)."""
    order = await page.api.get(f"/api/v1/orders/{order_id}")
    return int(order.get(counter) or 0)


async def until_counted(page: Page, order_id: str, counter: str, above: int) -> None:
    """The order service learns of a shipment's or invoice's progress by reacting to the other
    service's event; wait (bounded) until its read model counts it, so the page that follows
    shows one state in its header and its cards."""
    for _attempt in range(int(SETTLE_SECONDS / 0.1)):
        if await counted(page, order_id, counter) > above:
            return
        await asyncio.sleep(0.1)


async def own_shipment(page: Page, shipment_id: str, warehouse_id: str) -> dict[str, Any]:
    """The shipment, read as the supplier's own warehouse (the API answers 404 for another's)."""
    if warehouse_id not in await page.own_warehouses():
        raise ApiError(
            404, "Unknown shipment", _("no shipment %(shipment)s of yours", shipment=shipment_id)
        )
    api = page.as_party("warehouse", warehouse_id)
    shipment: dict[str, Any] = await api.get(f"/api/v1/shipments/{shipment_id}")
    return shipment


@router.post("/shipments/{shipment_id}/ship")
async def ship(
    page: SupplierPage,
    shipment_id: str,
    order_id: Annotated[str, Form()],
    carrier_id: Annotated[str, Form()],
    tracking_number: Annotated[str, Form(min_length=1, max_length=64)],
    eta_days: Annotated[int, Form(ge=0, le=90)] = 2,
) -> Response:
    """Hand a planned shipment to a carrier: the supplier ships its own orders, through the same
    API rule an integrator uses (a supplier, or the shipment's warehouse)."""
    try:
        eta = (datetime.now(UTC) + timedelta(days=eta_days)).isoformat()
        body = {"carrier_id": carrier_id, "tracking_number": tracking_number, "eta": eta}
        before = await counted(page, order_id, "shipped")
        result = await page.api.post(f"/api/v1/shipments/{shipment_id}/ship", body)
        await until_counted(page, order_id, "shipped", before)
    except ApiError as error:
        return await failed(page, order_id, error)
    done = _("Shipped with tracking number %(number)s.", number=tracking_number)
    return back_to(order_id, done, result, "logistics")


@router.post("/shipments/{shipment_id}/delivered")
async def delivered(
    page: SupplierPage,
    shipment_id: str,
    order_id: Annotated[str, Form()],
    warehouse_id: Annotated[str, Form()],
    received_by: Annotated[str, Form(min_length=1, max_length=120)],
) -> Response:
    """Record the carrier's proof of delivery for a shipped shipment (development only)."""
    try:
        if not demo_deliveries():
            raise ApiError(
                403, "Carriers report deliveries", _("the carrier records it via its API")
            )
        shipment = await own_shipment(page, shipment_id, warehouse_id)
        if not shipment.get("carrier_id"):
            raise ApiError(409, "Not shipped yet", _("hand the shipment to a carrier first"))
        body = {"delivered_at": datetime.now(UTC).isoformat(), "received_by": received_by}
        api = page.as_party("carrier", shipment["carrier_id"])
        before = await counted(page, order_id, "delivered")
        result = await api.post(f"/api/v1/shipments/{shipment_id}/delivered", body)
        await until_counted(page, order_id, "delivered", before)
    except ApiError as error:
        return await failed(page, order_id, error)
    done = _("Delivery recorded; the buyer can now inspect the goods.")
    return back_to(order_id, done, result, "logistics")


@router.post("/shipments/{shipment_id}/acceptance")
async def inspect(page: BuyerPage, request: Request, shipment_id: str) -> Response:
    """Accept and/or reject delivered units per line, with a reason and remedy for rejections."""
    form = await request.form()
    order_id = str(form.get("order_id") or "")
    lines = []
    try:
        for raw in form.getlist("line_no"):
            n = str(raw)
            quantity = int(str(form.get(f"quantity_{n}") or 0))
            rejected = int(str(form.get(f"rejected_{n}") or 0))
            line: dict[str, Any] = {
                "line_no": int(n),
                "sku": str(form.get(f"sku_{n}") or ""),
                "accepted": max(quantity - rejected, 0),
                "rejected": rejected,
            }
            reason = str(form.get(f"reason_{n}") or "").strip()
            if rejected:
                line["reason"] = reason or "rejected at inspection"
            lines.append(line)
    except ValueError:
        error = ApiError(422, "Invalid quantity", _("enter whole numbers of units to reject"))
        return await failed(page, order_id, error)
    body: dict[str, Any] = {"lines": lines}
    if any(line["rejected"] for line in lines):
        body["remedy"] = str(form.get("remedy") or "refund")
    try:
        before = await counted(page, order_id, "resolutions")
        result = await page.api.post(f"/api/v1/shipments/{shipment_id}/acceptance", body)
        await until_counted(page, order_id, "resolutions", before)
    except ApiError as error:
        return await failed(page, order_id, error)
    return back_to(order_id, _("Inspection recorded. Thank you."), result, "logistics")


@router.post("/orders/{order_id}/reorder")
async def reorder(page: BuyerPage, request: Request, order_id: str) -> Response:
    """Put the same lines in the cart again; prices and stock are quoted afresh there."""
    try:
        order = await page.api.get(f"/api/v1/orders/{order_id}")
    except ApiError as error:
        return await failed(page, order_id, error)
    cart = cart_of(request)
    try:
        for line in order["lines"]:
            cart.add(order["supplier_id"], line["sku"], int(line["quantity"]))
    except ValueError as error:
        return await failed(page, order_id, ApiError(422, "Cart is full", str(error)))
    response = RedirectResponse("/portal/cart", 303)
    save(response, cart)
    return response
