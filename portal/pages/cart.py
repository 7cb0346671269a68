"""Buyer: the cart, one group per supplier, priced live (coupon included) and placed as an order."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from portal.backend import ApiError
from portal.cart import Cart, CartGroup, cart_of, save
from portal.deps import BuyerPage, Page
from portal.i18n import _
from portal.session import CsrfChecked

router = APIRouter()
ORDER_TYPES = ("regular", "urgent", "presale")


def _options(form: FormData | None) -> dict[str, str]:
    keys = ("coupon_code", "order_type", "requested_delivery_date", "buyer_reference")
    found = {key: str(form.get(key) or "").strip() for key in keys} if form else {}
    found.setdefault("order_type", "regular")
    found["order_type"] = found["order_type"] if found["order_type"] in ORDER_TYPES else "regular"
    return found


def _apply_quantities(cart: Cart, supplier_id: str, form: FormData) -> None:
    group = cart.groups.get(supplier_id)
    if group is None:
        return
    for sku in list(group.lines):
        raw = form.get(f"qty_{sku}")
        if raw is not None:
            try:
                cart.set(supplier_id, sku, int(str(raw)))
            except ValueError:
                continue
    removed = form.get("remove")
    if removed:
        cart.set(supplier_id, str(removed), 0)


async def _quote(page: Page, group: CartGroup, coupon: str) -> tuple[Any, ApiError | None]:
    body = {
        "buyer_id": page.user.party,
        "supplier_id": group.supplier_id,
        "lines": [{"sku": sku, "quantity": qty} for sku, qty in group.lines.items()],
        "coupon_code": coupon or None,
    }
    try:
        return await page.api.post("/api/v1/quotes", body), None
    except ApiError as error:
        return None, error


async def _groups(
    page: Page, cart: Cart, options: dict[str, dict[str, str]], errors: dict[str, ApiError]
) -> list[dict[str, Any]]:
    names = await page.names()
    groups = []
    for supplier_id, group in cart.groups.items():
        chosen = options.get(supplier_id) or _options(None)
        quote, problem = await _quote(page, group, chosen.get("coupon_code", ""))
        found = await page.api.get("/api/v1/products", supplier_id=supplier_id)
        products = {p["sku"]: p for p in found["items"] if p["sku"] in group.lines}
        groups.append(
            {
                "supplier_id": supplier_id,
                "supplier": names.get(supplier_id, _("Supplier")),
                "group": group,
                "quote": quote,
                "quote_error": problem,
                "error": errors.get(supplier_id),
                "options": chosen,
                "products": products,
                "priced": {line["sku"]: line for line in (quote or {}).get("lines", [])},
            }
        )
    return groups


@router.get("/cart", response_class=HTMLResponse)
async def show_cart(page: BuyerPage, request: Request) -> HTMLResponse:
    """Every supplier's group with its live quote."""
    cart = cart_of(request)
    groups = await _groups(page, cart, {}, {})
    return page.render("cart.html", groups=groups, order_types=ORDER_TYPES, today=date.today())


@router.post("/cart/quote", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def requote(page: BuyerPage, request: Request) -> Response:
    """Apply quantity changes and the coupon; htmx gets the group back, a browser the cart page."""
    form = await request.form()
    supplier_id = str(form.get("supplier_id") or "")
    cart = cart_of(request)
    _apply_quantities(cart, supplier_id, form)
    options = {supplier_id: _options(form)}
    response: Response
    if request.headers.get("hx-request"):
        groups = await _groups(page, cart, options, {})
        chosen = [g for g in groups if g["supplier_id"] == supplier_id]
        response = page.render(
            "cart_group.html",
            g=chosen[0] if chosen else None,
            order_types=ORDER_TYPES,
            today=date.today(),
            cart_count_now=cart.count,
        )
    else:
        groups = await _groups(page, cart, options, {})
        response = page.render(
            "cart.html", groups=groups, order_types=ORDER_TYPES, today=date.today()
        )
    save(response, cart)
    return response


@router.post("/cart/place", dependencies=[CsrfChecked])
async def place(page: BuyerPage, request: Request) -> Response:
    """Place one supplier's group as an order (idempotent per cart version), then show it."""
    form = await request.form()
    supplier_id = str(form.get("supplier_id") or "")
    cart = cart_of(request)
    _apply_quantities(cart, supplier_id, form)
    options = _options(form)
    group = cart.groups.get(supplier_id)
    if group is None:
        return RedirectResponse("/portal/cart", 303)
    body: dict[str, Any] = {
        "buyer_id": page.user.party,
        "supplier_id": supplier_id,
        "order_type": options["order_type"],
        "lines": [{"sku": sku, "quantity": qty} for sku, qty in group.lines.items()],
        "coupon_code": options["coupon_code"] or None,
        "requested_delivery_date": options["requested_delivery_date"] or None,
        "buyer_reference": options["buyer_reference"] or None,
    }
    try:
        placed = await page.api.post("/api/v1/orders", body, key=group.key)
    except ApiError as error:
        groups = await _groups(page, cart, {supplier_id: options}, {supplier_id: error})
        response: Response = page.render(
            "cart.html",
            status_code=422,
            groups=groups,
            order_types=ORDER_TYPES,
            today=date.today(),
        )
        save(response, cart)
        return response
    cart.clear(supplier_id)
    target = f"/portal/orders/{placed['id']}?placed=1&at={placed['position']}"
    response = RedirectResponse(target, 303)
    save(response, cart)
    return response
