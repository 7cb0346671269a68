"""Building blocks of every event contract: the frozen base model, money, ids and times."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

ISO_4217 = re.compile(r"^[A-Z]{3}$")
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN, re.ASCII)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("times must carry a time zone (UTC)")
    return value.astimezone(UTC)


def _exact_decimal_input(value: object) -> object:
    if isinstance(value, float | bool):
        raise ValueError("decimals travel as strings such as '12.50', never as floats")
    if isinstance(value, str) and not _DECIMAL.fullmatch(value):
        raise ValueError(f"a decimal string must match {DECIMAL_PATTERN}")
    return value


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
"""A timezone-aware instant, normalised to UTC."""

DecimalString = Annotated[
    Decimal,
    BeforeValidator(_exact_decimal_input),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
"""A Decimal that travels as a string such as "12.50", never as a float."""

Quantity = Annotated[int, Field(ge=0)]
"""Whole units in the SKU's sales unit."""

PositiveQuantity = Annotated[int, Field(gt=0)]


class Contract(BaseModel):
    """Base of every value object inside an event: immutable, unknown fields refused."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class Money(Contract):
    """An amount in one ISO 4217 currency."""

    amount: DecimalString
    currency: Annotated[str, Field(pattern=ISO_4217.pattern)]


def _not_negative(money: Money) -> Money:
    if money.amount < 0:
        raise ValueError("this amount must not be negative")
    return money


NonNegativeMoney = Annotated[Money, AfterValidator(_not_negative)]
"""Money that is zero or more: prices, totals, payments."""


class DomainEvent(Contract):
    """Base of every published event. Subclasses set ``event_type`` and ``schema_version``."""

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1


EventId = UUID
