"""Requests for quotation: a buyer asks suppliers for prices, compares their quotes and awards
the RFQ whole or line by line; an invited supplier answers, revises or declines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import BuyerPage, Page, SupplierPage, role
from portal.forms import amount, local_date, local_input, local_instant, text, whole
from portal.i18n import _
from portal.session import CsrfChecked

router = APIRouter()
TraderPage = Annotated[Page, Depends(role("buyer", "supplier"))]
STATUSES = ("open", "awaiting_award", "awarded", "cancelled")
FORM_LINES = 5
"""Empty rows a new RFQ's form offers (more on request)."""


def _done(path: str, message: str, result: Any) -> RedirectResponse:
    position = result.get("position", 0) if isinstance(result, dict) else 0
    return RedirectResponse(f"{path}?at={position}&done={quote(message)}", 303)


@router.get("/rfqs", response_class=HTMLResponse)
async def list_rfqs(
    page: TraderPage, status: Annotated[str, Query(max_length=32)] = ""
) -> HTMLResponse:
    """A buyer's RFQs, or the RFQs a supplier is invited to; newest first."""
    chosen = status if status in STATUSES else ""
    rows: list[dict[str, Any]] = []
    offers: list[dict[str, Any]] = []
    error = None
    try:
        rows = await page.api.get("/api/v1/rfqs", status=chosen, limit=100)
        offers = await page.api.get("/api/v1/offers", status="open", limit=20)
    except ApiError as problem:
        error = problem
    return page.render(
        "rfqs.html",
        rfqs=rows,
        offers=offers,
        status=chosen,
        statuses=STATUSES,
        names=await page.names(),
        error=error,
    )


async def _suppliers(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await page.api.get("/api/v1/suppliers", limit=500)
    return sorted(found, key=lambda s: s["name"])


def _blank(count: int) -> list[dict[str, str]]:
    return [{"description": "", "sku": "", "quantity": "", "needed_by": ""}] * count


@router.get("/rfqs/new", response_class=HTMLResponse)
async def new_rfq(
    page: BuyerPage, lines: Annotated[int, Query(ge=1, le=50)] = FORM_LINES
) -> HTMLResponse:
    """The form of a new request for quotation."""
    deadline = datetime.now(UTC) + timedelta(days=2)
    values: dict[str, Any] = {"deadline": local_input(deadline.isoformat()), "lines": _blank(lines)}
    values["key"] = str(uuid.uuid4())  # one request, however often the button is pressed
    return page.render("rfq_new.html", values=values, suppliers=await _suppliers(page))


def _rfq_lines(form: Any) -> list[dict[str, Any]]:
    rows = []
    for index in range(1, 51):
        row = {
            k: text(form, f"{k}_{index}") for k in ("description", "sku", "quantity", "needed_by")
        }
        if any(row.values()):
            rows.append(row)
    return rows


def _kept(form: Any, extra_rows: int) -> dict[str, Any]:
    """What the buyer typed into the form, with ``extra_rows`` empty rows after its lines."""
    rows = _rfq_lines(form)
    values: dict[str, Any] = {
        k: text(form, k) for k in ("title", "deadline", "note", "currency", "key")
    }
    values["lines"] = rows + _blank(min(max(FORM_LINES - len(rows), extra_rows), 50 - len(rows)))
    values["chosen"] = [str(s) for s in form.getlist("suppliers")]
    return values


@router.post("/rfqs/new", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def more_rows(page: BuyerPage, request: Request) -> HTMLResponse:
    """The form again, as filled in, with more empty rows."""
    values = _kept(await request.form(), FORM_LINES)
    return page.render("rfq_new.html", values=values, suppliers=await _suppliers(page))


@router.post("/rfqs", dependencies=[CsrfChecked])
async def issue_rfq(page: BuyerPage, request: Request) -> Response:
    """Send the request to the chosen suppliers."""
    form = await request.form()
    rows = _rfq_lines(form)
    suppliers = [str(s) for s in form.getlist("suppliers")]
    body = {
        "buyer_id": page.user.party,
        "title": text(form, "title"),
        "currency": text(form, "currency"),
        "lines": [
            {
                "description": row["description"],
                "sku": row["sku"] or None,
                "quantity": whole(row["quantity"]),
                "needed_by": row["needed_by"] or None,
            }
            for row in rows
        ],
        "suppliers": suppliers,
        "deadline": local_instant(text(form, "deadline")),
        "note": text(form, "note") or None,
    }
    try:
        result = await page.api.post("/api/v1/rfqs", body, key=text(form, "key") or None)
    except ApiError as error:
        return page.render(
            "rfq_new.html",
            status_code=422 if error.status < 500 else 502,
            values=_kept(form, 1),
            suppliers=await _suppliers(page),
            error=error,
        )
    path = f"/portal/rfqs/{result['id']}"
    return _done(path, _("Request sent. Suppliers answer until the deadline."), result)


async def _products(page: Page, supplier_ids: set[str]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for supplier_id in sorted(supplier_ids):
        listed = await page.api.get("/api/v1/products", supplier_id=supplier_id, limit=500)
        found.update({(supplier_id, p["sku"]): p for p in listed["items"]})
    return found


@router.get("/rfqs/{rfq_id}", response_class=HTMLResponse)
async def show_rfq(
    page: TraderPage,
    rfq_id: str,
    at: Annotated[int, Query(ge=0)] = 0,
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    return await render_rfq(page, rfq_id, at=at, notice=done)


async def render_rfq(
    page: Page,
    rfq_id: str,
    *,
    at: int = 0,
    notice: str = "",
    error: ApiError | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        rfq = await page.api.get(f"/api/v1/rfqs/{rfq_id}", min_position=at)
    except ApiError as problem:
        if problem.status == 404:
            return page.render(
                "not_found.html", status_code=404, what_label=_("RFQ"), error=problem
            )
        raise
    context: dict[str, Any] = {"rfq": rfq, "names": await page.names(), "notice": notice}
    if page.user.role == "buyer":
        context["comparison"] = _with_picks(await page.api.get(f"/api/v1/rfqs/{rfq_id}/comparison"))
        quoted = {q["supplier_id"] for q in rfq["quotes"]}
        context["products"] = await _products(page, quoted)
        context["orders"] = {a["supplier_id"]: a["order_id"] for a in rfq["awards"]}
    else:
        context.update(await _quote_form(page, rfq, values))
    return page.render("rfq.html", status_code=status_code, error=error, **context)


def _with_picks(comparison: dict[str, Any]) -> dict[str, Any]:
    """Each line's suggested winner: the valid offer of the lowest landed unit cost."""
    for line in comparison["lines"]:
        valid = [o for o in line["offers"] if not o["expired"]]
        best = [o for o in valid if "landed_unit_cost" in o["best"]]
        line["pick"] = (best or valid or [{}])[0].get("supplier_id")
    return comparison


async def _quote_form(page: Page, rfq: dict[str, Any], values: Any) -> dict[str, Any]:
    """The supplier's catalog and its quote (or sensible defaults) for the form."""
    listed = await page.api.get("/api/v1/products", supplier_id=page.user.party, limit=500)
    catalog = sorted(listed["items"], key=lambda p: p["sku"])
    by_sku = {p["sku"]: p for p in catalog}
    [mine] = rfq["quotes"] or [None]
    if values is None:
        quoted = {line["line_no"]: line for line in (mine or {}).get("lines", [])}
        values = {"lines": {}}
        for line in rfq["lines"]:
            found = quoted.get(line["line_no"])
            sku = found["sku"] if found else (line["sku"] if line.get("sku") in by_sku else "")
            values["lines"][line["line_no"]] = {
                "sku": sku,
                "quantity": str(found["quantity"] if found else line["quantity"]),
                "unit_price": found["unit_price"]["amount"] if found else "",
                "lead_time_days": str(found["lead_time_days"]) if found else "",
            }
        deadline = datetime.fromisoformat(rfq["deadline"])
        valid = (mine or {}).get("valid_until") or (deadline + timedelta(days=14)).isoformat()
        values["valid_until"] = local_date(valid)
        charge = (mine or {}).get("delivery_charge") or {}
        values["delivery_charge"] = charge.get("amount", "")
        values["note"] = (mine or {}).get("note") or ""
    return {"catalog": catalog, "values": values, "mine": mine}


@router.post("/rfqs/{rfq_id}/quote", dependencies=[CsrfChecked])
async def submit_quote(page: SupplierPage, request: Request, rfq_id: str) -> Response:
    """Answer the RFQ, or revise the answer (every line with a price is quoted)."""
    form = await request.form()
    currency = text(form, "currency")
    lines, rows = [], {}
    for raw in form.getlist("line_no"):
        n = str(raw)
        row = {
            k: text(form, f"{k}_{n}") for k in ("sku", "quantity", "unit_price", "lead_time_days")
        }
        rows[int(n)] = row
        if row["unit_price"]:
            lines.append(
                {
                    "line_no": int(n),
                    "sku": row["sku"],
                    "quantity": whole(row["quantity"]),
                    "unit_price": amount(row["unit_price"], currency),
                    "lead_time_days": whole(row["lead_time_days"] or "0"),
                }
            )
    charge = text(form, "delivery_charge")
    body = {
        "lines": lines,
        "delivery_charge": amount(charge, currency) if charge else None,
        "valid_until": local_instant(text(form, "valid_until")),
        "note": text(form, "note") or None,
    }
    path = f"/api/v1/rfqs/{rfq_id}/quotes/{page.user.party}"
    try:
        result = await page.api.post(path, body, if_match=text(form, "version") or None)
    except ApiError as error:
        values = {
            "lines": rows,
            **{k: text(form, k) for k in ("valid_until", "delivery_charge", "note")},
        }
        return await render_rfq(
            page, rfq_id, error=error, values=values, status_code=_status(error)
        )
    return _done(f"/portal/rfqs/{rfq_id}", _("Your quote was sent to the buyer."), result)


def _status(error: ApiError) -> int:
    return error.status if 400 <= error.status < 500 else 502


@router.post("/rfqs/{rfq_id}/decline", dependencies=[CsrfChecked])
async def decline_rfq(page: SupplierPage, request: Request, rfq_id: str) -> Response:
    form = await request.form()
    path = f"/api/v1/rfqs/{rfq_id}/quotes/{page.user.party}/decline"
    try:
        result = await page.api.post(path, {"reason": text(form, "reason") or None})
    except ApiError as error:
        return await render_rfq(page, rfq_id, error=error, status_code=_status(error))
    return _done(f"/portal/rfqs/{rfq_id}", _("You declined this request."), result)


@router.post("/rfqs/{rfq_id}/award", dependencies=[CsrfChecked])
async def award_rfq(page: BuyerPage, request: Request, rfq_id: str) -> Response:
    """Award the whole RFQ to one supplier, or each line to the supplier chosen for it."""
    form = await request.form()
    whole_to = text(form, "whole")
    if whole_to:
        body: dict[str, Any] = {"supplier_id": whole_to}
    else:
        chosen = [
            {"line_no": int(key[5:]), "supplier_id": str(value)}
            for key, value in form.multi_items()
            if key.startswith("line_") and key[5:].isdigit() and value
        ]
        body = {"lines": chosen}
    try:
        result = await page.api.post(
            f"/api/v1/rfqs/{rfq_id}/award", body, if_match=text(form, "version") or None
        )
    except ApiError as error:
        return await render_rfq(page, rfq_id, error=error, status_code=_status(error))
    count = len(result.get("orders", []))
    message = _("Awarded: %(count)s order(s) placed at the quoted prices.", count=count)
    return _done(f"/portal/rfqs/{rfq_id}", message, result)


@router.post("/rfqs/{rfq_id}/cancel", dependencies=[CsrfChecked])
async def cancel_rfq(page: BuyerPage, request: Request, rfq_id: str) -> Response:
    form = await request.form()
    try:
        result = await page.api.post(
            f"/api/v1/rfqs/{rfq_id}/cancel", {"reason": text(form, "reason")}
        )
    except ApiError as error:
        return await render_rfq(page, rfq_id, error=error, status_code=_status(error))
    return _done(f"/portal/rfqs/{rfq_id}", _("Request cancelled."), result)
