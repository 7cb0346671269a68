"""Buyer (and supplier): invoices, what is due and overdue, and paying one by card (sandbox)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.deps import BuyerPage, Page, PageDep
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
    done: Annotated[str, Query(max_length=120)] = "",
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
    try:
        await page.api.post(f"/api/v1/invoices/{invoice_id}/charge", {"token": token})
    except ApiError as error:
        if error.status == 402:
            error.title = "Payment declined"
            error.detail = f"{error.detail}: try another card or pay by bank transfer"
        return await render_invoices(page, error=error, code=error.status)
    target = back if back.startswith("/portal/") else "/portal/invoices"
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}done=Payment+received.+Thank+you.", 303)
