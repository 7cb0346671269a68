"""Events owned by the payment service: terms, credit limits, invoices, settlements and refunds."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from shared.events.base import (
    Contract,
    DomainEvent,
    NonNegativeMoney,
    PositiveQuantity,
    UtcDateTime,
)
from shared.events.values import (
    Code,
    CreditFigures,
    CreditHoldCode,
    LineNo,
    Lines,
    PaymentTerms,
    Sku,
    Text,
)


class PaymentTermsSet(DomainEvent):
    """The terms on which a supplier invoices a buyer."""

    event_type: ClassVar[str] = "PaymentTermsSet"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    buyer_id: UUID
    terms: PaymentTerms


class CreditLimitSet(DomainEvent):
    """The most a buyer may owe a supplier in open invoices."""

    event_type: ClassVar[str] = "CreditLimitSet"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    buyer_id: UUID
    limit: NonNegativeMoney


class InvoiceLine(Contract):
    """Accepted quantity of one line at its agreed unit price."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    unit_price: NonNegativeMoney
    line_total: NonNegativeMoney


def _one_currency_and_due_after_issue(invoice: InvoiceIssued | InvoiceIssuedV1) -> None:
    if invoice.due_on < invoice.issued_on:
        raise ValueError("an invoice cannot fall due before it is issued")
    currencies = {invoice.total.currency}
    for line in invoice.lines:
        currencies |= {line.unit_price.currency, line.line_total.currency}
    if len(currencies) != 1:
        raise ValueError("every amount of an invoice must be in one currency")


class InvoiceIssuedV1(DomainEvent):
    """The buyer owes ``total`` for the goods it accepted from one shipment."""

    model_config = ConfigDict(title="InvoiceIssued")
    event_type: ClassVar[str] = "InvoiceIssued"
    schema_version: ClassVar[int] = 1

    invoice_id: UUID
    order_id: UUID
    shipment_id: UUID
    supplier_id: UUID
    buyer_id: UUID
    lines: Lines[InvoiceLine]
    total: NonNegativeMoney
    terms: PaymentTerms
    issued_on: date
    due_on: date

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _one_currency_and_due_after_issue(self)
        return self


class InvoiceIssued(DomainEvent):
    """The buyer owes ``total``: for the goods it accepted from one shipment, or, on prepaid
    terms, for the whole order as confirmed (``shipment_id`` empty), before anything ships."""

    event_type: ClassVar[str] = "InvoiceIssued"
    schema_version: ClassVar[int] = 2

    invoice_id: UUID
    order_id: UUID
    shipment_id: UUID | None
    supplier_id: UUID
    buyer_id: UUID
    lines: Lines[InvoiceLine]
    total: NonNegativeMoney
    terms: PaymentTerms
    issued_on: date
    due_on: date

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _one_currency_and_due_after_issue(self)
        return self


class BankTransfer(Contract):
    """Paid by bank transfer; ``reference`` is the bank's transaction reference."""

    kind: Literal["bank_transfer"] = "bank_transfer"
    reference: Text


class ProviderPayment(Contract):
    """Paid through a payment provider (card, wallet); ``reference`` is the provider's id."""

    kind: Literal["provider"] = "provider"
    provider: Code
    reference: Text


PaymentMethod = Annotated[BankTransfer | ProviderPayment, Field(discriminator="kind")]


class PaymentSettled(DomainEvent):
    """Money for an invoice arrived."""

    event_type: ClassVar[str] = "PaymentSettled"
    schema_version: ClassVar[int] = 1

    payment_id: UUID
    invoice_id: UUID
    order_id: UUID
    amount: NonNegativeMoney
    method: PaymentMethod
    settled_at: UtcDateTime


class PaymentFailed(DomainEvent):
    """A payment for an invoice was attempted and did not go through."""

    event_type: ClassVar[str] = "PaymentFailed"
    schema_version: ClassVar[int] = 1

    payment_id: UUID
    invoice_id: UUID
    order_id: UUID
    amount: NonNegativeMoney
    method: PaymentMethod
    reason: Text


class RefundIssued(DomainEvent):
    """Money paid back to the buyer, e.g. for returned goods."""

    event_type: ClassVar[str] = "RefundIssued"
    schema_version: ClassVar[int] = 1

    refund_id: UUID
    order_id: UUID
    amount: NonNegativeMoney
    reason: Text
    invoice_id: UUID | None = None
    return_id: UUID | None = None
    method: PaymentMethod | None = None


class CreditNoteIssued(DomainEvent):
    """An amount credited against an invoice not yet settled (e.g. for returned goods): the
    buyer owes that much less, and no money moves."""

    event_type: ClassVar[str] = "CreditNoteIssued"
    schema_version: ClassVar[int] = 1

    credit_note_id: UUID
    invoice_id: UUID
    order_id: UUID
    amount: NonNegativeMoney
    reason: Text
    return_id: UUID | None = None


class OverdueBlockSet(DomainEvent):
    """Whether invoices left unpaid past their due date stop the buyer's new orders, and after
    how many days of grace (``grace_days`` unset: they do not)."""

    event_type: ClassVar[str] = "OverdueBlockSet"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    buyer_id: UUID
    grace_days: int | None = Field(default=None, ge=0, le=365)


class _AccountFact(DomainEvent):
    supplier_id: UUID
    buyer_id: UUID


class CreditReserved(_AccountFact):
    """The order's total is set aside against the buyer's credit with the supplier
    (``overridden``: released by hand past the limit)."""

    event_type: ClassVar[str] = "CreditReserved"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    amount: NonNegativeMoney
    figures: CreditFigures
    overridden: bool = False


class CreditReservationRefused(_AccountFact):
    """The order does not fit the buyer's credit: it waits, held, until the limit is raised
    or the supplier releases it."""

    event_type: ClassVar[str] = "CreditReservationRefused"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    code: CreditHoldCode
    reason: Text
    figures: CreditFigures


class CreditReleaseCause(StrEnum):
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    CONFIRMED_LOWER = "confirmed_lower"
    """The supplier confirmed less than was reserved (an amendment lowered the total)."""
    COMPLETED = "completed"
    """What invoices did not bill (goods refused, credited) once the order is done."""


class CreditReleased(_AccountFact):
    """Part or all of an order's reservation (or its place among the held) is given back."""

    event_type: ClassVar[str] = "CreditReleased"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    amount: NonNegativeMoney
    cause: CreditReleaseCause


class CreditInvoiced(_AccountFact):
    """An invoice turns the order's reservation (as far as it goes) into a receivable."""

    event_type: ClassVar[str] = "CreditInvoiced"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    invoice_id: UUID
    amount: NonNegativeMoney
    from_reserved: NonNegativeMoney
    due_on: date


class CreditRepaid(_AccountFact):
    """A settlement or credit note clears an invoice's receivable."""

    event_type: ClassVar[str] = "CreditRepaid"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    invoice_id: UUID
    amount: NonNegativeMoney


EVENTS: tuple[type[DomainEvent], ...] = (
    PaymentTermsSet,
    CreditLimitSet,
    InvoiceIssuedV1,
    InvoiceIssued,
    PaymentSettled,
    PaymentFailed,
    RefundIssued,
    CreditNoteIssued,
    OverdueBlockSet,
    CreditReserved,
    CreditReservationRefused,
    CreditReleased,
    CreditInvoiced,
    CreditRepaid,
)
