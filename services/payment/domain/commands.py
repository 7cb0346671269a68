"""Commands payment decides on: an account's terms and credit limit (from suppliers), an
invoice's issue, payments, refunds and credit notes (from routes and reactions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.events.base import Money
from shared.events.payment import InvoiceLine, PaymentMethod
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


AccountCommand = SetPaymentTerms | SetCreditLimit


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
