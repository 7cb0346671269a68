"""Reading the portal's forms: numbers, amounts and local times as the API wants them, a value
the browser let through unparsed kept as text (the API then names the field at fault)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from portal.i18n import current

_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,6})?$")


def text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


def whole(value: str) -> int | str:
    """An integer from a form field; what is not one stays text for the API to refuse."""
    return int(value) if value.isdigit() else value


def amount(value: str, currency: str) -> dict[str, Any]:
    """A Money object from a decimal the user typed (``12,50`` and ``12.50`` alike)."""
    plain = value.replace(",", ".").replace(" ", "")
    return {"amount": plain if _AMOUNT.match(plain) else value, "currency": currency}


def local_instant(value: str) -> str:
    """A ``datetime-local`` or ``date`` input as an ISO 8601 instant in the user's time zone
    (a date alone is the end of that day)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value if "T" in value else f"{value}T23:59")
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=current().time_zone)
    return moment.isoformat()


def local_input(value: Any) -> str:
    """An instant (ISO text) as a ``datetime-local`` value in the user's time zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return moment.astimezone(current().time_zone).strftime("%Y-%m-%dT%H:%M")


def local_date(value: Any) -> str:
    """An instant (ISO text) as a ``date`` value in the user's time zone."""
    try:
        return datetime.fromisoformat(str(value)).astimezone(current().time_zone).date().isoformat()
    except ValueError:
        return ""
