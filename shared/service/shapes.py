"""One JSON shape per kind of value in every answer: an amount is a Money object
``{"amount": "12.50", "currency": "EUR"}``, an instant ISO 8601 with its offset."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def money(amount: Decimal | str | int | None, currency: str | None) -> dict[str, Any] | None:
    """An amount as a Money object (None stays None)."""
    if amount is None or currency is None:
        return None
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return {"amount": format(value, "f"), "currency": currency}


def instant(value: datetime | str | None) -> str | None:
    """An instant as ISO 8601 with its offset; a naive one (SQLite keeps no zone) is UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()
