"""Buyer: the cart, one group per supplier, priced live (coupon included); a group is placed as
an order, or every group at once as one checkout (one order per supplier, all or none)."""

from __future__ import annotations

import hashlib
import re
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
OPTIONS = ("coupon_code", "order_type", "requested_delivery_date", "buyer_reference")
"""Each group's order options; the cart is one form, so a field is named ``<option>.<supplier>``."""


def _options(form: FormData | None, supplier_id: str) -> dict[str, str]:
    found = (
        {key: str(form.get(f"{key}.{supplier_id}") or "").strip() for key in OPTIONS}
        if form
        else {}
    )
    found.setdefault("order_type", "regular")
    found["order_type"] = found["order_type"] if found["order_type"] in ORDER_TYPES else "regular"
    return found


def _apply_quantities(cart: Cart, form: FormData) -> None:
    """Every group's quantities as the form has them, and the line a Remove button named."""
    for supplier_id, group in list(cart.groups.items()):
        for sku in list(group.lines):
            raw = form.get(f"qty.{supplier_id}.{sku}")
            if raw is not None:
                try:
                    cart.set(supplier_id, sku, int(str(raw)))
                except ValueError:
                    continue
    removed = str(form.get("remove") or "")
    if "|" in removed:
        supplier_id, _sep, sku = removed.partition("|")
        cart.set(supplier_id, sku, 0)


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


async def _group(
    page: Page, group: CartGroup, options: dict[str, str], error: ApiError | None
) -> dict[str, Any]:
    names = await page.names()
    quote, problem = await _quote(page, group, options.get("coupon_code", ""))
    found = await page.api.get("/api/v1/products", supplier_id=group.supplier_id)
    return {
        "supplier_id": group.supplier_id,
        "supplier": names.get(group.supplier_id, _("Supplier")),
        "group": group,
        "quote": quote,
        "quote_error": problem,
        "error": error,
        "options": options,
        "products": {p["sku"]: p for p in found["items"] if p["sku"] in group.lines},
        "priced": {line["sku"]: line for line in (quote or {}).get("lines", [])},
    }


async def _groups(
    page: Page, cart: Cart, form: FormData | None, errors: dict[str, ApiError]
) -> list[dict[str, Any]]:
    return [
        await _group(page, group, _options(form, supplier_id), errors.get(supplier_id))
        for supplier_id, group in cart.groups.items()
    ]


def _render(
    page: Page,
    groups: list[dict[str, Any]],
    status_code: int = 200,
    refused: dict[str, Any] | None = None,
) -> HTMLResponse:
    return page.render(
        "cart.html",
        status_code=status_code,
        groups=groups,
        order_types=ORDER_TYPES,
        today=date.today(),
        refused=refused,
    )


@router.get("/cart", response_class=HTMLResponse)
async def show_cart(page: BuyerPage, request: Request) -> HTMLResponse:
    """Every supplier's group with its live quote."""
    return _render(page, await _groups(page, cart_of(request), None, {}))


@router.post("/cart/quote", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def requote(page: BuyerPage, request: Request) -> Response:
    """Apply quantity changes and coupons; htmx gets the group back, a browser the cart page."""
    form = await request.form()
    supplier_id = str(form.get("supplier_id") or "")
    cart = cart_of(request)
    _apply_quantities(cart, form)
    response: Response
    group = cart.groups.get(supplier_id)
    if request.headers.get("hx-request") and supplier_id:
        chosen = await _group(page, group, _options(form, supplier_id), None) if group else None
        response = page.render(
            "cart_group.html",
            g=chosen,
            order_types=ORDER_TYPES,
            today=date.today(),
            cart_count_now=cart.count,
        )
    else:
        response = _render(page, await _groups(page, cart, form, {}))
    save(response, cart)
    return response


def _group_body(page: Page, group: CartGroup, options: dict[str, str]) -> dict[str, Any]:
    return {
        "supplier_id": group.supplier_id,
        "order_type": options["order_type"],
        "lines": [{"sku": sku, "quantity": qty} for sku, qty in group.lines.items()],
        "coupon_code": options["coupon_code"] or None,
        "requested_delivery_date": options["requested_delivery_date"] or None,
        "buyer_reference": options["buyer_reference"] or None,
    }


async def _checkout(
    page: Page, cart: Cart, form: FormData, groups: list[CartGroup]
) -> tuple[Any, ApiError | None]:
    """One checkout of ``groups``: idempotent per cart version (a double click places once)."""
    body = {
        "buyer_id": page.user.party,
        "groups": [_group_body(page, g, _options(form, g.supplier_id)) for g in groups],
    }
    key = hashlib.sha256("|".join(g.key for g in groups).encode()).hexdigest()
    try:
        return await page.api.post("/api/v1/checkouts", body, key=key), None
    except ApiError as error:
        return None, error


def _failed_group(error: ApiError, groups: list[CartGroup]) -> str | None:
    """The supplier whose group a checkout refusal names (``groups[1]...``)."""
    field = error.field or ""
    if field.startswith("groups[") and "]" in field:
        index = field[len("groups[") : field.index("]")]
        if index.isdigit() and int(index) < len(groups):
            return groups[int(index)].supplier_id
    return None


def _readable(error: ApiError) -> ApiError:
    """The refusal with its field named inside the group (the group is shown where it is)."""
    detail = re.sub(r"^groups\[\d+\]\.?", "", error.detail).lstrip(": ")
    return ApiError(error.status, error.title, detail, error.field, error.errors)


async def _refused(
    page: Page, cart: Cart, form: FormData, groups: list[CartGroup], error: ApiError
) -> Response:
    """The cart again, the refusal shown in the group it names (nothing was placed)."""
    failed = _failed_group(error, groups)
    shown = _readable(error)
    errors = {failed: shown} if failed else {g.supplier_id: shown for g in groups}
    refused = None
    if len(groups) > 1:
        refused = {"error": error, "supplier": (await page.names()).get(failed or "", "")}
    response = _render(
        page, await _groups(page, cart, form, errors), 422 if error.status < 500 else 502, refused
    )
    save(response, cart)
    return response


@router.post("/cart/place", dependencies=[CsrfChecked])
async def place(page: BuyerPage, request: Request) -> Response:
    """Place one supplier's group as an order, then show it."""
    form = await request.form()
    cart = cart_of(request)
    _apply_quantities(cart, form)
    group = cart.groups.get(str(form.get("supplier_id") or ""))
    if group is None:
        return RedirectResponse("/portal/cart", 303)
    placed, error = await _checkout(page, cart, form, [group])
    if error is not None:
        return await _refused(page, cart, form, [group], error)
    cart.clear(group.supplier_id)
    [order] = placed["orders"]
    response = RedirectResponse(
        f"/portal/orders/{order['order_id']}?placed=1&at={placed['position']}", 303
    )
    save(response, cart)
    return response


@router.post("/cart/checkout", dependencies=[CsrfChecked])
async def checkout(page: BuyerPage, request: Request) -> Response:
    """Place every group at once: one order per supplier, all placed or none."""
    form = await request.form()
    cart = cart_of(request)
    _apply_quantities(cart, form)
    groups = list(cart.groups.values())
    if not groups:
        return RedirectResponse("/portal/cart", 303)
    placed, error = await _checkout(page, cart, form, groups)
    if error is not None:
        return await _refused(page, cart, form, groups, error)
    for group in groups:
        cart.clear(group.supplier_id)
    count = len(placed["orders"])
    response = RedirectResponse(f"/portal/orders?at={placed['position']}&placed={count}", 303)
    save(response, cart)
    return response
