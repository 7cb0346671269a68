"""Events owned by the sourcing service: requests for quotation (RFQs) to several suppliers,
their quotes, the award, and the quotes a supplier offers a buyer on its own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar, Protocol, Self
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator

from shared.events.base import (
    MAX_AMOUNT,
    Contract,
    DomainEvent,
    Money,
    NonNegativeMoney,
    PositiveQuantity,
    UtcDateTime,
)
from shared.events.values import Code, CurrencyCode, LineNo, Lines, Sku, Text

MAX_INVITED = 50
"""The most suppliers one RFQ invites (and so the most orders one award places)."""
MAX_REVISIONS = 1000
"""The most times a supplier may answer one RFQ (a first quote and its revisions)."""
MAX_LEAD_DAYS = 730


LeadTimeDays = Annotated[int, Field(ge=0, le=MAX_LEAD_DAYS)]
"""Days from the order to delivery that a supplier promises for a line."""

Revision = Annotated[int, Field(ge=1, le=MAX_REVISIONS)]


def _distinct(ids: tuple[UUID, ...]) -> tuple[UUID, ...]:
    if len(ids) != len(set(ids)):
        raise ValueError("each supplier may appear only once")
    return ids


Suppliers = Annotated[
    tuple[UUID, ...], Field(min_length=1, max_length=MAX_INVITED), AfterValidator(_distinct)
]


def _in_currency(currency: str, amounts: Iterable[Money | None]) -> None:
    if any(m is not None and m.currency != currency for m in amounts):
        raise ValueError(f"every amount must be in {currency}")


class _Priced(Protocol):
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price(self) -> Money: ...


def value_of(lines: Iterable[_Priced]) -> Decimal:
    """What the lines cost at their unit prices."""
    return sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))


def _bounded_value(lines: Iterable[_Priced], extra: Decimal = Decimal(0)) -> None:
    if value_of(lines) + extra >= MAX_AMOUNT:
        raise ValueError(f"the lines' value must be below {MAX_AMOUNT} (an order must hold it)")


class RfqLine(Contract):
    """What the buyer asks for: an item described in words (and, when it knows one, a SKU),
    how many, and by when."""

    line_no: LineNo
    description: Text
    sku: Sku | None = None
    quantity: PositiveQuantity
    needed_by: date | None = None


class RfqIssued(DomainEvent):
    """A buyer asked ``suppliers`` for prices in ``currency``; answers are taken until
    ``deadline``."""

    event_type: ClassVar[str] = "RfqIssued"
    schema_version: ClassVar[int] = 1

    rfq_id: UUID
    buyer_id: UUID
    title: Text
    currency: CurrencyCode
    lines: Lines[RfqLine]
    suppliers: Suppliers
    deadline: UtcDateTime
    delivery_region: Code
    delivery_address_id: UUID | None = None
    note: Text | None = None


class QuotedLine(Contract):
    """A supplier's answer to one line: the SKU of its catalog it offers, the quantity it can
    supply (a whole number of packs, at least its minimum), the unit price and the lead time."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    unit_price: NonNegativeMoney
    lead_time_days: LeadTimeDays


class _QuoteFacts(DomainEvent):
    rfq_id: UUID
    supplier_id: UUID
    revision: Revision
    lines: Lines[QuotedLine]
    delivery_charge: NonNegativeMoney
    valid_until: UtcDateTime
    note: Text | None = None

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        currency = self.delivery_charge.currency
        _in_currency(currency, (line.unit_price for line in self.lines))
        _bounded_value(self.lines, self.delivery_charge.amount)
        return self


class RfqQuoteSubmitted(_QuoteFacts):
    """An invited supplier answered the RFQ (``revision`` 1) before its deadline. A quote may
    answer some of the lines only; ``delivery_charge`` is what it adds for delivery."""

    event_type: ClassVar[str] = "RfqQuoteSubmitted"
    schema_version: ClassVar[int] = 1


class RfqQuoteRevised(_QuoteFacts):
    """The supplier replaced its quote before the deadline; the whole quote is repeated."""

    event_type: ClassVar[str] = "RfqQuoteRevised"
    schema_version: ClassVar[int] = 1


class RfqDeclined(DomainEvent):
    """An invited supplier will not quote (any quote it gave is withdrawn)."""

    event_type: ClassVar[str] = "RfqDeclined"
    schema_version: ClassVar[int] = 1

    rfq_id: UUID
    supplier_id: UUID
    reason: Text | None = None


class RfqCancelled(DomainEvent):
    """The buyer called the RFQ off before awarding it."""

    event_type: ClassVar[str] = "RfqCancelled"
    schema_version: ClassVar[int] = 1

    rfq_id: UUID
    reason: Text


class AwardedLine(Contract):
    """A line as awarded: the supplier's SKU, quantity and quoted unit price, and the SKU's
    list price when it was awarded (to measure what sourcing saved)."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    unit_price: NonNegativeMoney
    list_unit_price: NonNegativeMoney | None = None
    lead_time_days: LeadTimeDays = 0


class Award(Contract):
    """The lines one supplier won; they become the order ``order_id``."""

    supplier_id: UUID
    order_id: UUID
    revision: Revision
    lines: Lines[AwardedLine]
    requested_delivery_date: date | None = None

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        currency = self.lines[0].unit_price.currency
        amounts = [m for line in self.lines for m in (line.unit_price, line.list_unit_price)]
        _in_currency(currency, amounts)
        _bounded_value(self.lines)
        return self


def _one_award_per_supplier(awards: tuple[Award, ...]) -> tuple[Award, ...]:
    if len({a.supplier_id for a in awards}) != len(awards):
        raise ValueError("each supplier may be awarded once")
    if len({a.order_id for a in awards}) != len(awards):
        raise ValueError("each award becomes its own order")
    return awards


Awards = Annotated[
    tuple[Award, ...],
    Field(min_length=1, max_length=MAX_INVITED),
    AfterValidator(_one_award_per_supplier),
]


class RfqAwarded(DomainEvent):
    """The buyer awarded the RFQ, whole or line by line: each award becomes one order with that
    supplier at the quoted prices (the order service places them)."""

    event_type: ClassVar[str] = "RfqAwarded"
    schema_version: ClassVar[int] = 1

    rfq_id: UUID
    buyer_id: UUID
    title: Text
    delivery_region: Code
    delivery_address_id: UUID | None = None
    awards: Awards


class QuoteOffered(DomainEvent):
    """A supplier offered one buyer a quote on its own (a negotiated deal), valid until
    ``valid_until``."""

    event_type: ClassVar[str] = "QuoteOffered"
    schema_version: ClassVar[int] = 1

    quote_id: UUID
    supplier_id: UUID
    buyer_id: UUID
    title: Text
    lines: Lines[QuotedLine]
    valid_until: UtcDateTime
    note: Text | None = None

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        _in_currency(self.lines[0].unit_price.currency, (line.unit_price for line in self.lines))
        _bounded_value(self.lines)
        return self


class QuoteAccepted(DomainEvent):
    """The buyer accepted an offered quote within its validity: it becomes the order
    ``order_id`` at the quoted prices (the order service places it)."""

    event_type: ClassVar[str] = "QuoteAccepted"
    schema_version: ClassVar[int] = 1

    quote_id: UUID
    supplier_id: UUID
    buyer_id: UUID
    order_id: UUID
    title: Text
    lines: Lines[AwardedLine]
    delivery_region: Code
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        currency = self.lines[0].unit_price.currency
        amounts = [m for line in self.lines for m in (line.unit_price, line.list_unit_price)]
        _in_currency(currency, amounts)
        _bounded_value(self.lines)
        return self


class QuoteDeclined(DomainEvent):
    """The buyer turned an offered quote down."""

    event_type: ClassVar[str] = "QuoteDeclined"
    schema_version: ClassVar[int] = 1

    quote_id: UUID
    reason: Text | None = None


EVENTS: tuple[type[DomainEvent], ...] = (
    RfqIssued,
    RfqQuoteSubmitted,
    RfqQuoteRevised,
    RfqDeclined,
    RfqCancelled,
    RfqAwarded,
    QuoteOffered,
    QuoteAccepted,
    QuoteDeclined,
)
