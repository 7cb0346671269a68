"""Jinja2 environment of the portal: templates, and filters for money, dates and statuses."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from portal.session import PortalUser, csrf_token

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

STATUS_TONES = {
    "placed": "info",
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
}
TERMINAL = frozenset({"completed", "rejected", "cancelled"})


def money(value: Any, currency: str | None = None) -> str:
    """``{"amount": "12.5", "currency": "USD"}`` or a number → ``USD 12.50``."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        currency = value.get("currency", currency)
        value = value.get("amount")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{currency or ''} {amount:,.2f}".strip()


def when(value: Any, with_time: bool = True) -> str:
    """An ISO timestamp (UTC) as ``27 Nov 2026 09:07``; an ISO date as ``26 Jan 2027``."""
    if not value:
        return "—"
    text = str(value)
    try:
        if len(text) == 10:  # a plain ISO date (a datetime always has its time)
            return date.fromisoformat(text).strftime("%d %b %Y")
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(text)
    except ValueError:
        return text
    return parsed.strftime("%d %b %Y %H:%M" if with_time else "%d %b %Y")


def label(value: Any) -> str:
    return str(value or "").replace("_", " ").capitalize()


def sentence(text: Any) -> str:
    """A timeline line: ``OrderStockSecured`` (an event without a summary) reads as words."""
    value = str(text or "")
    if " " in value or not value:
        return value
    return re.sub(r"(?<!^)(?=[A-Z])", " ", value).capitalize()


def short(value: Any) -> str:
    return str(value or "")[:8]


templates.env.filters.update(money=money, when=when, label=label, short=short, sentence=sentence)
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
