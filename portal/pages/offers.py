"""Quotes a supplier offers a buyer on its own: the supplier writes one, the buyer accepts it
into an order within its validity, or declines it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import BuyerPage, Page, SupplierPage, role
from portal.forms import amount, local_date, local_instant, text, whole
from portal.i18n import _
from portal.session import CsrfChecked

router = APIRouter()
TraderPage = Annotated[Page, Depends(role("buyer", "supplier"))]
STATUSES = ("open", "expired", "accepted", "declined")
FORM_LINES = 4
BLANK = {"sku": "", "quantity": "", "unit_price": "", "lead_time_days": ""}


@router.get("/offers", response_class=HTMLResponse)
async def list_offers(
    page: TraderPage, status: Annotated[str, Query(max_length=32)] = ""
) -> HTMLResponse:
    chosen = status if status in STATUSES else ""
    rows: list[dict[str, Any]] = []
    error = None
    try:
        rows = await page.api.get("/api/v1/offers", status=chosen, limit=100)
    except ApiError as problem:
        error = problem
    return page.render(
        "offers.html",
        offers=rows,
        status=chosen,
        statuses=STATUSES,
        names=await page.names(),
        error=error,
    )


async def _form_context(page: Page) -> dict[str, Any]:
    listed = await page.api.get("/api/v1/products", supplier_id=page.user.party, limit=500)
    buyers = await page.api.get("/api/v1/buyers", limit=500)
    suppliers = await page.api.get("/api/v1/suppliers", limit=500)
    own = [s for s in suppliers if s["supplier_id"] == page.user.party]
    return {
        "catalog": sorted(listed["items"], key=lambda p: p["sku"]),
        "buyers": sorted(buyers, key=lambda b: b["name"]),
        "currency": own[0]["currency"] if own else "",
    }


@router.get("/offers/new", response_class=HTMLResponse)
async def new_offer(page: SupplierPage) -> HTMLResponse:
    valid = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    values: dict[str, Any] = {"valid_until": local_date(valid), "key": str(uuid.uuid4())}
    values["lines"] = [
        {"sku": "", "quantity": "", "unit_price": "", "lead_time_days": ""}
    ] * FORM_LINES
    return page.render("offer_new.html", values=values, **await _form_context(page))


@router.post("/offers", dependencies=[CsrfChecked])
async def offer_quote(page: SupplierPage, request: Request) -> Response:
    form = await request.form()
    currency = text(form, "currency")
    rows: list[dict[str, str]] = []
    lines: list[dict[str, Any]] = []
    for n in range(1, 21):
        row = {
            k: text(form, f"{k}_{n}") for k in ("sku", "quantity", "unit_price", "lead_time_days")
        }
        if not any(row.values()):
            continue
        rows.append(row)
        lines.append(
            {
                "line_no": len(lines) + 1,
                "sku": row["sku"],
                "quantity": whole(row["quantity"]),
                "unit_price": amount(row["unit_price"], currency),
                "lead_time_days": whole(row["lead_time_days"] or "0"),
            }
        )
    body = {
        "supplier_id": page.user.party,
        "buyer_id": text(form, "buyer_id"),
        "title": text(form, "title"),
        "lines": lines,
        "valid_until": local_instant(text(form, "valid_until")),
        "note": text(form, "note") or None,
    }
    try:
        result = await page.api.post("/api/v1/offers", body, key=text(form, "key") or None)
    except ApiError as error:
        values: dict[str, Any] = {
            k: text(form, k) for k in ("buyer_id", "title", "valid_until", "note", "key")
        }
        values["lines"] = [*rows, BLANK]
        status = error.status if 400 <= error.status < 500 else 502
        return page.render(
            "offer_new.html",
            status_code=status,
            values=values,
            error=error,
            **await _form_context(page),
        )
    message = quote(_("Quote sent to the buyer."))
    return RedirectResponse(
        f"/portal/offers/{result['id']}?at={result['position']}&done={message}", 303
    )


async def render_offer(
    page: Page,
    quote_id: str,
    *,
    at: int = 0,
    notice: str = "",
    error: ApiError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        offer = await page.api.get(f"/api/v1/offers/{quote_id}", min_position=at)
    except ApiError as problem:
        if problem.status == 404:
            return page.render(
                "not_found.html", status_code=404, what_label=_("quote"), error=problem
            )
        raise
    listed = await page.api.get("/api/v1/products", supplier_id=offer["supplier_id"], limit=500)
    for line in offer["lines"]:
        price = line["unit_price"]
        total = Decimal(price["amount"]) * line["quantity"]
        line["line_total"] = {"amount": format(total, "f"), "currency": price["currency"]}
    return page.render(
        "offer.html",
        status_code=status_code,
        offer=offer,
        products={p["sku"]: p for p in listed["items"]},
        names=await page.names(),
        notice=notice,
        error=error,
    )


@router.get("/offers/{quote_id}", response_class=HTMLResponse)
async def show_offer(
    page: TraderPage,
    quote_id: str,
    at: Annotated[int, Query(ge=0)] = 0,
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    return await render_offer(page, quote_id, at=at, notice=done)


@router.post("/offers/{quote_id}/accept", dependencies=[CsrfChecked])
async def accept(page: BuyerPage, request: Request, quote_id: str) -> Response:
    form = await request.form()
    body = {"requested_delivery_date": text(form, "requested_delivery_date") or None}
    try:
        result = await page.api.post(
            f"/api/v1/offers/{quote_id}/accept", body, if_match=text(form, "version") or None
        )
    except ApiError as error:
        status = error.status if 400 <= error.status < 500 else 502
        return await render_offer(page, quote_id, error=error, status_code=status)
    done = quote(_("Quote accepted: the order is placed at the quoted prices."))
    return RedirectResponse(f"/portal/orders/{result['order_id']}?done={done}", 303)


@router.post("/offers/{quote_id}/decline", dependencies=[CsrfChecked])
async def decline(page: BuyerPage, request: Request, quote_id: str) -> Response:
    form = await request.form()
    try:
        result = await page.api.post(
            f"/api/v1/offers/{quote_id}/decline", {"reason": text(form, "reason") or None}
        )
    except ApiError as error:
        status = error.status if 400 <= error.status < 500 else 502
        return await render_offer(page, quote_id, error=error, status_code=status)
    done = quote(_("Quote declined."))
    return RedirectResponse(f"/portal/offers/{quote_id}?at={result['position']}&done={done}", 303)
