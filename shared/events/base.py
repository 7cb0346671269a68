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
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)

ISO_4217 = re.compile(r"^[A-Z]{3}$")
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN, re.ASCII)
AMOUNT_PATTERN = r"^-?\d{1,12}(\.\d{1,6})?$"
"""An amount: at most 12 digits before the point and 6 after (a narrower DECIMAL_PATTERN)."""
_AMOUNT = re.compile(AMOUNT_PATTERN, re.ASCII)

MAX_QUANTITY = 10**9
"""The most units one quantity holds: an order line, a stock movement, a balance at a warehouse."""
MAX_LINES = 1000
"""The most lines one event carries."""
MAX_UNITS = MAX_QUANTITY * MAX_LINES
"""The most units a sum over one event's lines holds (10**12: a 64-bit integer column keeps it)."""
MAX_AMOUNT = Decimal(10**12)
"""Every amount is below this (in cents, a sum of a thousand of them fits a 64-bit integer)."""


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("times must carry a time zone (UTC)")
    return value.astimezone(UTC)


def _exact_decimal_input(value: object, info: ValidationInfo) -> object:
    if isinstance(value, float | bool):
        raise ValueError("decimals travel as strings such as '12.50', never as floats")
    if isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            raise ValueError(f"a decimal string must match {DECIMAL_PATTERN}")
        return Decimal(value)  # parsed here, so strict validation of JSON text accepts it
    if info.mode == "json":
        raise ValueError("decimals travel as strings such as '12.50'")
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

Quantity = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
"""Whole units in the SKU's sales unit."""

PositiveQuantity = Annotated[int, Field(gt=0, le=MAX_QUANTITY)]

QuantityChange = Annotated[int, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
"""Units added (positive) or taken away (negative)."""

Units = Annotated[int, Field(ge=0, le=MAX_UNITS)]
"""A sum of quantities over one event's lines."""


def _bounded_amount(value: Decimal) -> Decimal:
    if not value.is_finite() or not _AMOUNT.fullmatch(format(value, "f")):
        raise ValueError("an amount has at most 12 digits before the decimal point and 6 after it")
    return value


def _amount(value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Decimal:
    # A string the amount pattern matches is a bounded decimal already: one call, not two,
    # for every amount read from JSON (an order's pricing holds dozens).
    if isinstance(value, str) and _AMOUNT.fullmatch(value):
        return Decimal(value)
    return _bounded_amount(handler(_exact_decimal_input(value, info)))


Amount = Annotated[
    Decimal,
    WrapValidator(_amount),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN}),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
"""A DecimalString bounded for money: below 10**12, at most 6 decimal places."""


class Contract(BaseModel):
    """Base of every value object inside an event: immutable, unknown fields refused."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class Money(Contract):
    """An amount in one ISO 4217 currency."""

    amount: Amount
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
