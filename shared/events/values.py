"""Value objects that events of several services share: codes, texts, order lines, allocations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Protocol, Self, TypeVar
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from shared.events.base import (
    ISO_4217,
    MAX_LINES,
    Contract,
    DecimalString,
    Money,
    NonNegativeMoney,
    PositiveQuantity,
    Quantity,
)

MAX_LINE_NO = 999_999
"""Line numbers are the client's (10, 20, 30...), below a million."""

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
"""A short business code: region, tier, category, carrier or coupon code."""

Sku = Code
"""A stock keeping unit, unique within one supplier's catalog."""

TEXT_PATTERN = (
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
)
"""Not blank, and no control character but tab and line breaks (PostgreSQL stores no NUL)."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=TEXT_PATTERN)]
"""Human text (names, reasons, references) that is never blank."""

USERNAME_PATTERN = r"^[A-Za-z0-9_.@:-]{1,100}$"
Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]
"""A person's log-in name as events record it (``buyer-03``, ``mei.lin@example.com``): ASCII,
so every JSON Schema reader agrees with the model."""

CurrencyCode = Annotated[str, StringConstraints(pattern=ISO_4217.pattern)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)]
LineNo = Annotated[int, Field(gt=0, le=MAX_LINE_NO)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]
"""BCP 47: ``zh-Hant``, ``zh-Hans``, ``en``."""
"""An order line's number, 1-based and unique within its order."""


def _percentage(value: Decimal) -> Decimal:
    if not 0 < value <= 100:
        raise ValueError("a percentage must be more than 0 and at most 100")
    return value


Percentage = Annotated[DecimalString, AfterValidator(_percentage)]
"""A percentage such as "12.5" (more than 0, at most 100), travelling as a string."""


class _Numbered(Protocol):
    @property
    def line_no(self) -> int: ...


_L = TypeVar("_L", bound=_Numbered)


def _distinct_line_numbers(lines: tuple[_L, ...]) -> tuple[_L, ...]:
    numbers = [line.line_no for line in lines]
    if len(numbers) != len(set(numbers)):
        raise ValueError("each line number may appear only once")
    return lines


Lines = Annotated[
    tuple[_L, ...],
    Field(min_length=1, max_length=MAX_LINES),
    AfterValidator(_distinct_line_numbers),
]
"""One to MAX_LINES lines, each line number at most once."""


class OrderType(StrEnum):
    """How an order is fulfilled: from stock, as fast as possible, or before stock exists."""

    REGULAR = "regular"
    URGENT = "urgent"
    PRESALE = "presale"


class Party(StrEnum):
    """Who took a decision about an order."""

    BUYER = "buyer"
    SUPPLIER = "supplier"
    OPERATIONS = "operations"
    SYSTEM = "system"


class PaymentTerms(StrEnum):
    """When an invoice falls due: before shipment, or n days after issue."""

    PREPAID = "prepaid"
    NET_15 = "net_15"
    NET_30 = "net_30"
    NET_60 = "net_60"


class OrderLine(Contract):
    """A quantity of one SKU on one order line (ordered, shipped, accepted, returned...)."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity


class SkuQuantity(Contract):
    """A quantity of one SKU, not tied to an order line."""

    sku: Sku
    quantity: Quantity


class Allocation(Contract):
    """Part of an order line served from one warehouse."""

    line_no: LineNo
    sku: Sku
    warehouse_id: UUID
    quantity: PositiveQuantity


class AgreedLine(Contract):
    """An order line as both parties agreed it: quantity and net unit price."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    unit_price: NonNegativeMoney


class LineChange(Contract):
    """A proposed change to one line; unset fields stay as they are, quantity 0 drops the line."""

    line_no: LineNo
    sku: Sku
    quantity: Quantity | None = None
    unit_price: NonNegativeMoney | None = None
    delivery_date: date | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if self.quantity is None and self.unit_price is None and self.delivery_date is None:
            raise ValueError("a line change must change quantity, unit price or delivery date")
        return self


class CreditHoldCode(StrEnum):
    """Why an order's credit was refused (and the order held)."""

    LIMIT_EXCEEDED = "limit_exceeded"
    """Its total is more than the account's available credit."""
    OVERDUE_INVOICES = "overdue_invoices"
    """The buyer has invoices unpaid past their due date and the account's grace days."""


class CreditFigures(Contract):
    """A supplier's account with one buyer when a reservation was decided: ``available`` is
    ``limit - reserved - invoiced_unpaid`` (below zero once an override reserved past it);
    without a limit, ``limit`` and ``available`` are unset."""

    requested: NonNegativeMoney
    reserved: NonNegativeMoney
    invoiced_unpaid: NonNegativeMoney
    limit: NonNegativeMoney | None = None
    available: Money | None = None
