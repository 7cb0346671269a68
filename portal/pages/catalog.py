"""Buyer: search the catalog with live stock and the buyer's own prices; add to the cart."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.backend import ApiError
from portal.cart import cart_of, save
from portal.deps import BuyerPage, Page
from portal.i18n import _
from portal.session import CsrfChecked

router = APIRouter()
PAGE_SIZE = 24


async def categories(page: Page) -> list[str]:
    """Every product category (cached briefly): the filter's choices."""
    state = page.request.app.state
    cached: tuple[float, list[str]] | None = getattr(state, "portal_categories", None)
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    products = await page.api.get("/api/v1/products")
    found = sorted({item["category"] for item in products["items"]})
    state.portal_categories = (time.monotonic(), found)
    return found


@router.get("/catalog", response_class=HTMLResponse)
async def catalog(
    page: BuyerPage,
    q: Annotated[str, Query(max_length=100)] = "",
    category: str = "",
    supplier_id: str = "",
    in_stock: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Products as this buyer sees them: tier price, quantity breaks, promotion, stock."""
    filters = {"q": q, "category": category, "supplier_id": supplier_id, "in_stock": in_stock}
    error = None
    items: list[dict[str, object]] = []
    try:
        found = await page.api.get(
            "/api/v1/catalog",
            buyer_id=page.user.party,
            q=q,
            category=category,
            supplier_id=supplier_id,
            in_stock="true" if in_stock else None,
            limit=PAGE_SIZE + 1,
            offset=offset,
        )
        items = found["items"]
    except ApiError as problem:
        error = problem
    names = await page.names()
    template = "catalog_results.html" if page.request.headers.get("hx-target") else "catalog.html"
    return page.render(
        template,
        items=items[:PAGE_SIZE],
        more=len(items) > PAGE_SIZE,
        offset=offset,
        page_size=PAGE_SIZE,
        filters=filters,
        categories=await categories(page),
        suppliers=await supplier_names(page),
        names=names,
        error=error,
    )


async def supplier_names(page: Page) -> dict[str, str]:
    rows = await page.api.get("/api/v1/suppliers")
    return {row["supplier_id"]: row["name"] for row in rows}


@router.post("/cart/add", dependencies=[CsrfChecked])
async def add_to_cart(
    page: BuyerPage,
    request: Request,
    sku: Annotated[str, Form(max_length=64)],
    supplier_id: Annotated[str, Form()],
    quantity: Annotated[int, Form(ge=1, le=1_000_000)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Add units of a product; htmx answers with the new cart badge and a notice."""
    cart = cart_of(request)
    product = name or sku
    message, ok = (
        _("Added %(quantity)s of %(product)s to your cart.", quantity=quantity, product=product),
        True,
    )
    try:
        cart.add(supplier_id, sku, quantity)
    except ValueError as error:
        message, ok = str(error), False
    if request.headers.get("hx-request"):
        response: Response = page.render(
            "cart_added.html", message=message, ok=ok, cart_count_now=cart.count
        )
    else:
        response = RedirectResponse(request.headers.get("referer") or "/portal/catalog", 303)
    save(response, cart)
    return response
