"""Jinja2 environment of the portal: templates (translated, see portal.i18n), and filters for
money, dates, numbers and the codes the API answers with."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from portal.i18n import (
    N_,
    current,
    duration,
    gettext,
    install_gettext,
    iso,
    money,
    number,
    percent,
    when,
)
from portal.session import PortalUser, csrf_token
from shared.events.ids import short_id
from shared.events.statuses import TERMINAL as STATUS_TERMINAL

HERE = Path(__file__).parent
templates = install_gettext(Jinja2Templates(directory=HERE / "templates"))

STATUS_TONES = {
    "placed": "info",
    "awaiting_approval": "warn",
    "on_hold": "bad",
    "awaiting_confirmation": "warn",
    "backordered": "warn",
    "amendment_proposed": "warn",
    "confirmed": "info",
    "awaiting_prepayment": "warn",
    "shipped": "info",
    "in_transit": "info",
    "planned": "muted",
    "delivered": "info",
    "accepted": "ok",
    "partially_accepted": "warn",
    "invoiced": "info",
    "completed": "ok",
    "settled": "ok",
    "open": "warn",
    "overdue": "bad",
    "rejected": "bad",
    "cancelled": "muted",
    "credited": "muted",
    "healthy": "ok",
    "failing": "bad",
    # sourcing: RFQs, suppliers' standings, offered quotes
    "awaiting_award": "warn",
    "awarded": "ok",
    "invited": "muted",
    "quoted": "info",
    "declined": "muted",
    "won": "ok",
    "lost": "muted",
    "expired": "muted",
    "taking_quotes": "info",
    "awaiting_answer": "warn",
}
TERMINAL = STATUS_TERMINAL


CODES = {
    # order and shipment statuses
    "placed": N_("Placed"),
    "awaiting_approval": N_("Awaiting approval"),
    "on_hold": N_("On hold"),
    "limit_exceeded": N_("over the credit limit"),
    "overdue_invoices": N_("invoices overdue"),
    "awaiting_confirmation": N_("Awaiting confirmation"),
    "backordered": N_("Back-ordered"),
    "amendment_proposed": N_("Amendment proposed"),
    "confirmed": N_("Confirmed"),
    "awaiting_prepayment": N_("Awaiting prepayment"),
    "shipped": N_("Shipped"),
    "in_transit": N_("In transit"),
    "planned": N_("Planned"),
    "delivered": N_("Delivered"),
    "accepted": N_("Accepted"),
    "partially_accepted": N_("Partially accepted"),
    "invoiced": N_("Invoiced"),
    "completed": N_("Completed"),
    "settled": N_("Settled"),
    "open": N_("Open"),
    "overdue": N_("Overdue"),
    "rejected": N_("Rejected"),
    "cancelled": N_("Cancelled"),
    "credited": N_("Credited"),
    "healthy": N_("Healthy"),
    "failing": N_("Failing"),
    "awaiting_award": N_("Awaiting award"),
    "awarded": N_("Awarded"),
    "invited": N_("Invited"),
    "quoted": N_("Quoted"),
    "declined": N_("Declined"),
    "won": N_("Won"),
    "lost": N_("Not chosen"),
    "taking_quotes": N_("Taking quotes"),
    "awaiting_answer": N_("Awaiting answer"),
    "delayed": N_("Delayed"),
    "damaged": N_("Damaged"),
    "out_for_delivery": N_("Out for delivery"),
    "picked_up": N_("Picked up"),
    # order types
    "regular": N_("Regular"),
    "urgent": N_("Urgent"),
    "presale": N_("Presale"),
    # tiers and payment terms
    "gold": N_("Gold"),
    "silver": N_("Silver"),
    "bronze": N_("Bronze"),
    "net_30": N_("Net 30 days"),
    "net_60": N_("Net 60 days"),
    "prepaid": N_("Prepaid"),
    # remedies for rejected goods
    "refund": N_("Refund"),
    "replacement": N_("Replacement"),
    "credit_note": N_("Credit note"),
    # product categories
    "fasteners": N_("Fasteners"),
    "hand_tools": N_("Hand tools"),
    "power_tools": N_("Power tools"),
    "safety": N_("Safety equipment"),
    "electrical": N_("Electrical"),
    "packaging": N_("Packaging"),
    "tea": N_("Tea"),
    "beverages": N_("Beverages"),
    "snacks": N_("Snacks"),
    "pantry": N_("Pantry"),
    # sales units
    "each": N_("each"),
    "box": N_("box"),
    "pack": N_("pack"),
    "carton": N_("carton"),
    "roll": N_("roll"),
    "set": N_("set"),
    "pair": N_("pair"),
    "case": N_("case"),
    "bag": N_("bag"),
    "bottle": N_("bottle"),
    "tin": N_("tin"),
    # delivery regions
    "north": N_("North"),
    "central": N_("Central"),
    "south": N_("South"),
    # roles and parties
    "buyer": N_("Buyer"),
    "supplier": N_("Supplier"),
    "operations": N_("Operations"),
    "analyst": N_("Analyst"),
    "warehouse": N_("Warehouse"),
    "carrier": N_("Carrier"),
    "system": N_("System"),
    # carrier reports and stock releases
    "at_hub": N_("At a hub"),
    "in_customs": N_("In customs"),
    "delivery_attempted": N_("Delivery attempted"),
    "order_cancelled": N_("Order cancelled"),
    "order_rejected": N_("Order rejected"),
    "amendment": N_("Amendment"),
    "expired": N_("Expired"),
    "return": N_("Return"),
    # services (the timeline's sources)
    "order": N_("Order"),
    "pricing": N_("Pricing"),
    "inventory": N_("Inventory"),
    "logistics": N_("Logistics"),
    "payment": N_("Payment"),
    "sourcing": N_("Sourcing"),
}
"""Codes the API answers with (statuses, types, tiers, terms, categories, units) and their
words; ``label`` translates them, and shows an unknown code as plain words."""


PROBLEM_TITLES = {
    # problem+json titles stay stable codes; the portal says them in the reader's language
    "Unknown coupon": N_("Unknown coupon"),
    "Unknown product": N_("Unknown product"),
    "Order not found": N_("Order not found"),
    "OrderNotFound": N_("Order not found"),
    "Not allowed": N_("Not allowed"),
    "Forbidden": N_("Not allowed"),
    "Not yours": N_("Not yours"),
    "Nothing to pay": N_("Nothing to pay"),
    "Invalid request": N_("Invalid request"),
    "Request Validation Error": N_("Invalid request"),
    "Unknown carrier": N_("Unknown carrier"),
    "PaymentFailed": N_("Payment failed"),
    "CSRF token missing or wrong": N_("Your form expired"),
    "Precondition Failed": N_("The order changed"),
    "OrderAlreadyConfirmed": N_("The order is already confirmed"),
    "OrderAlreadyClosed": N_("The order is closed"),
    "OrderAlreadyShipped": N_("The order has shipped"),
    "OrderNotAwaitingConfirmation": N_("The order is not awaiting confirmation"),
    "AmendmentAlreadyPending": N_("An amendment is already pending"),
    "InvalidAmendment": N_("Invalid amendment"),
    "InvalidOrderLine": N_("Invalid order line"),
    "InvalidLines": N_("Invalid lines"),
    "ShipmentAlreadyShipped": N_("Already shipped"),
    "ShipmentWasCancelled": N_("Shipment cancelled"),
    "ShipmentNotShipped": N_("Not shipped yet"),
    "GoodsAlreadyInspected": N_("Goods already inspected"),
    "InvoiceAlreadySettled": N_("Invoice already settled"),
    "RemedyRequired": N_("Choose a remedy"),
    "Nothing to propose": N_("Nothing to propose"),
    "Cart is full": N_("Cart is full"),
    "Invalid quantity": N_("Invalid quantity"),
    "Not shipped yet": N_("Not shipped yet"),
    "Carriers report deliveries": N_("Carriers report deliveries"),
    "Checkout refused": N_("Checkout refused"),
    "RFQ not found": N_("RFQ not found"),
    "Quote not found": N_("Quote not found"),
    "Not your company": N_("Not your company"),
    "InvalidRfq": N_("The request cannot be sent as it is"),
    "InvalidQuote": N_("The quote cannot be sent as it is"),
    "InvalidAward": N_("This award is not possible"),
    "DeadlinePassed": N_("The deadline has passed"),
    "AlreadyDeclined": N_("You declined this request"),
    "AwardTooEarly": N_("Suppliers may still answer"),
    "QuoteExpired": N_("The quote has expired"),
    "ProductNoLongerSold": N_("A product is no longer sold"),
    "RfqClosed": N_("The request is closed"),
    "QuoteClosed": N_("The quote was answered already"),
}


def product_name(product: Any) -> str:
    """A product's name in the reader's language when the catalog has one, else its name."""
    if not isinstance(product, dict):
        return str(product or "")
    names = product.get("names") or {}
    return str(names.get(current().language.tag) or product.get("name") or product.get("sku", ""))


DISCOUNTS = {
    "tier_price": N_("Your tier price"),
    "customer_price": N_("Your agreed price"),
    "quantity_break": N_("Quantity break"),
    "promotion": N_("Promotion"),
}
_COUPON = re.compile(r"\bcoupon ([A-Za-z0-9._-]+)", re.IGNORECASE)


def discount(entry: Any) -> str:
    """Why a price is lower, in the reader's language: the API's own words in English, else the
    kind of discount (a coupon with its code)."""
    reason = str(entry.get("reason", "")) if isinstance(entry, dict) else str(entry)
    kind = entry.get("kind") if isinstance(entry, dict) else None
    if current().language.code == "en" or kind is None:
        return reason
    if kind == "coupon":
        found = _COUPON.search(reason)
        return gettext("Coupon %(code)s", code=found.group(1)) if found else gettext("Coupon")
    known = DISCOUNTS.get(str(kind))
    return gettext(known) if known else reason


def problem_title(title: Any) -> str:
    """An API problem's title (a stable code) in the reader's language."""
    code = str(title or "")
    known = PROBLEM_TITLES.get(code)
    return gettext(known) if known is not None else sentence(code)


def sourcing_status(value: Any) -> str:
    """An RFQ's or offered quote's status as a code with its own words: ``open`` means taking
    quotes (an RFQ) or awaiting the buyer's answer (a quote), not an unpaid invoice."""
    return {"open": "taking_quotes"}.get(str(value), str(value))


def offer_status(value: Any) -> str:
    return {"open": "awaiting_answer"}.get(str(value), str(value))


def label(value: Any) -> str:
    code = str(value or "")
    known = CODES.get(code)
    if known is not None:
        return gettext(known)
    return code.replace("_", " ").capitalize()


def sentence(text: Any) -> str:
    """A timeline line: ``OrderStockSecured`` (an event without a summary) reads as words."""
    value = str(text or "")
    if " " in value or not value:
        return value
    return re.sub(r"(?<!^)(?=[A-Z])", " ", value).capitalize()


def _timeline_value(name: str, value: Any) -> str:
    if name.endswith("_money"):
        return money(value)
    if name.endswith("_date"):
        return when(value, with_time=False)
    if name.endswith("_at"):
        return when(value)
    if name.endswith("_code"):
        return label(value)
    if name.endswith("_party"):
        return "、".join(value) if current().language.code != "en" else ", ".join(value)
    if isinstance(value, int):
        return number(value)
    return str(value)


def timeline_line(entry: dict[str, Any]) -> str:
    """A timeline entry in the reader's language: its template translated, its values formatted
    (amounts, dates, codes, the names of warehouses and carriers)."""
    template = entry.get("template")
    if not template:
        return sentence(entry.get("summary"))
    params = entry.get("params") or {}
    text = gettext(template) % {k: _timeline_value(k, v) for k, v in params.items()}
    return text[:1].upper() + text[1:]


def short(value: Any) -> str:
    return short_id(value)


templates.env.filters.update(
    money=money,
    when=when,
    iso=iso,
    number=number,
    percent=percent,
    duration=duration,
    label=label,
    problem_title=problem_title,
    short=short,
    sentence=sentence,
    timeline_line=timeline_line,
    discount=discount,
    product_name=product_name,
    sourcing_status=sourcing_status,
    offer_status=offer_status,
)
templates.env.globals.update(STATUS_TONES=STATUS_TONES, TERMINAL=TERMINAL)


def render(
    request: Request,
    name: str,
    user: PortalUser | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page (or, for an htmx request, the same template's fragment) with common context."""
    token = csrf_token(request, user)
    response = templates.TemplateResponse(
        request,
        name,
        {"user": user, "csrf": token, "htmx": "hx-request" in request.headers, **context},
        status_code=status_code,
    )
    return response
