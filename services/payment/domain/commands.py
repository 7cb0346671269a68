"""Commands payment decides on: an account's terms and credit limit (from suppliers), an
invoice's issue, payments, refunds and credit notes (from routes and reactions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.events.base import Money
from shared.events.payment import CreditReleaseCause, InvoiceLine, PaymentMethod
from shared.events.values import PaymentTerms


@dataclass(frozen=True)
class SetPaymentTerms:
    supplier_id: UUID
    buyer_id: UUID
    terms: PaymentTerms


@dataclass(frozen=True)
class SetCreditLimit:
    supplier_id: UUID
    buyer_id: UUID
    limit: Money


@dataclass(frozen=True)
class SetOverdueBlock:
    """Invoices unpaid ``grace_days`` after falling due stop new orders (None: they do not)."""

    supplier_id: UUID
    buyer_id: UUID
    grace_days: int | None


@dataclass(frozen=True)
class ReserveCredit:
    """Set the order's total aside; ``force`` (a held order released by hand) reserves what
    the order was held for, past the limit."""

    supplier_id: UUID
    buyer_id: UUID
    order_id: UUID
    amount: Money | None
    force: bool = False


@dataclass(frozen=True)
class ReleaseCredit:
    """Give back the order's reservation down to ``keep`` (or its place among the held)."""

    supplier_id: UUID
    buyer_id: UUID
    order_id: UUID
    cause: CreditReleaseCause
    keep: Money | None = None


@dataclass(frozen=True)
class InvoiceCredit:
    """An invoice of the order: its total moves from reserved to receivable."""

    supplier_id: UUID
    buyer_id: UUID
    order_id: UUID
    invoice_id: UUID
    amount: Money
    due_on: date


@dataclass(frozen=True)
class RepayCredit:
    """A settlement or credit note clears (part of) an invoice's receivable."""

    supplier_id: UUID
    buyer_id: UUID
    order_id: UUID
    invoice_id: UUID
    amount: Money


AccountCommand = (
    SetPaymentTerms
    | SetCreditLimit
    | SetOverdueBlock
    | ReserveCredit
    | ReleaseCredit
    | InvoiceCredit
    | RepayCredit
)


@dataclass(frozen=True)
class IssueInvoice:
    """Bill accepted goods of a shipment; without ``shipment_id``, a prepayment of the whole
    order, whose ``total`` (the confirmed one, after order discounts) may be below its lines'."""

    invoice_id: UUID
    order_id: UUID
    shipment_id: UUID | None
    supplier_id: UUID
    buyer_id: UUID
    lines: tuple[InvoiceLine, ...]
    terms: PaymentTerms
    issued_on: date
    total: Money | None = None


@dataclass(frozen=True)
class RecordPayment:
    """A settlement (with ``failure``: a failed attempt), known by its method's reference."""

    payment_id: UUID
    method: PaymentMethod
    amount: Money
    failure: str | None = None


@dataclass(frozen=True)
class IssueRefund:
    refund_id: UUID
    amount: Money
    reason: str
    return_id: UUID | None = None


@dataclass(frozen=True)
class IssueCreditNote:
    """Credit what is still open on an invoice not settled (e.g. its order was cancelled)."""

    credit_note_id: UUID
    reason: str


InvoiceCommand = IssueInvoice | RecordPayment | IssueRefund | IssueCreditNote
