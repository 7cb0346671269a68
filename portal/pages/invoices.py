"""Buyer (and supplier): invoices, what is due and overdue, and paying one by card (sandbox)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import BuyerPage, Page, PageDep
from portal.i18n import _
from portal.pages.order_actions import counted, until_counted
from portal.session import CsrfChecked

router = APIRouter()
STATUSES = ("open", "overdue", "settled", "credited")


async def render_invoices(
    page: Page, status: str = "", notice: str = "", error: ApiError | None = None, code: int = 200
) -> HTMLResponse:
    rows: list[dict[str, Any]] = []
    try:
        rows = await page.api.get("/api/v1/invoices", status=status if status in STATUSES else "")
    except ApiError as problem:
        error = error or problem
    due = sum(float(r["open_amount"]["amount"]) for r in rows if r["status"] == "open")
    return page.render(
        "invoices.html",
        status_code=code,
        invoices=rows,
        status=status,
        statuses=STATUSES,
        open_total=due,
        currency=rows[0]["currency"] if rows else "",
        names=await page.names(),
        notice=notice,
        error=error,
    )


@router.get("/invoices", response_class=HTMLResponse)
async def invoices(
    page: PageDep,
    status: Annotated[str, Query(max_length=16)] = "",
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    return await render_invoices(page, status, notice=done)


@router.post("/invoices/{invoice_id}/pay", dependencies=[CsrfChecked])
async def pay(
    page: BuyerPage,
    invoice_id: str,
    token: Annotated[str, Form(min_length=1, max_length=200)] = "tok_ok",
    back: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Charge the invoice's open amount with a sandbox card token (``tok_ok`` succeeds)."""
    target = back if back.startswith("/portal/") else "/portal/invoices"
    order_id = (
        target.removeprefix("/portal/orders/") if target.startswith("/portal/orders/") else ""
    )
    try:
        before = await counted(page, order_id, "settled") if order_id else 0
    except ApiError:  # not an order of this buyer: pay, and go back to the invoices
        order_id, target, before = "", "/portal/invoices", 0
    try:
        result = await page.api.post(f"/api/v1/invoices/{invoice_id}/charge", {"token": token})
        if order_id:  # the order page that follows shows the payment in its header too
            await until_counted(page, order_id, "settled", before)
    except ApiError as error:
        if error.status == 402:
            error.title = "PaymentFailed"
            error.detail = _("%(reason)s: try another card or pay by bank transfer") % {
                "reason": error.detail
            }
        return await render_invoices(page, error=error, code=error.status)
    done = quote(_("Payment received. Thank you."))
    if target.startswith("/portal/orders/"):  # the order page waits until it shows the payment
        target += f"?at={result.get('position', 0)}&of=payment"
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}done={done}", 303)
