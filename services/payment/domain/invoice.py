"""The invoice: issued once per acceptance, settled once, then refunded or credited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from services.payment.domain.billing import due_on
from services.payment.domain.errors import (
    AmountDoesNotMatch,
    InvoiceAlreadySettled,
    InvoiceNotFound,
    InvoiceNotSettled,
    RefundExceedsPayment,
)
from shared.events.base import DomainEvent, Money
from shared.events.payment import (
    CreditNoteIssued,
    InvoiceIssued,
    InvoiceLine,
    PaymentFailed,
    PaymentMethod,
    PaymentSettled,
    RefundIssued,
)
from shared.events.values import PaymentTerms
from shared.service.decider import Decider


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


@dataclass(frozen=True)
class Invoice:
    issued: InvoiceIssued | None = None
    settlement: PaymentSettled | None = None
    failed: frozenset[str] = frozenset()
    credited: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    refund_ids: frozenset[UUID] = frozenset()
    credit_note_ids: frozenset[UUID] = frozenset()

    @property
    def open_amount(self) -> Decimal:
        if self.issued is None or self.settlement is not None:
            return Decimal(0)
        return self.issued.total.amount - self.credited

    @property
    def refundable(self) -> Decimal:
        return (
            Decimal(0) if self.settlement is None else self.settlement.amount.amount - self.refunded
        )


def _issue(command: IssueInvoice, state: Invoice) -> list[DomainEvent]:
    if state.issued is not None:
        return []
    currency = command.lines[0].unit_price.currency
    total = command.total or Money(
        amount=sum((line.line_total.amount for line in command.lines), Decimal(0)),
        currency=currency,
    )
    return [
        InvoiceIssued(
            invoice_id=command.invoice_id,
            order_id=command.order_id,
            shipment_id=command.shipment_id,
            supplier_id=command.supplier_id,
            buyer_id=command.buyer_id,
            lines=command.lines,
            total=total,
            terms=command.terms,
            issued_on=command.issued_on,
            due_on=due_on(command.terms, command.issued_on),
        )
    ]


def _pay(
    command: RecordPayment, issued: InvoiceIssued, state: Invoice, now: datetime
) -> list[DomainEvent]:
    reference = command.method.reference
    settled = state.settlement
    if settled is not None and settled.method == command.method:
        return []  # the same payment reported again
    if command.failure is not None and reference in state.failed:
        return []
    if settled is not None:
        raise InvoiceAlreadySettled(f"invoice {issued.invoice_id} is settled already")
    owed = Money(amount=state.open_amount, currency=issued.total.currency)
    if command.amount.currency != owed.currency or command.amount.amount != owed.amount:
        raise AmountDoesNotMatch(f"the open amount is {owed.amount} {owed.currency}")
    common = {
        "payment_id": command.payment_id,
        "invoice_id": issued.invoice_id,
        "order_id": issued.order_id,
        "amount": command.amount,
        "method": command.method,
    }
    if command.failure is not None:
        return [PaymentFailed(**common, reason=command.failure)]
    return [PaymentSettled(**common, settled_at=now)]


def _refund(command: IssueRefund, issued: InvoiceIssued, state: Invoice) -> list[DomainEvent]:
    if command.refund_id in state.refund_ids:
        return []
    if state.settlement is None:
        raise InvoiceNotSettled(f"invoice {issued.invoice_id} is not settled; nothing to refund")
    if command.amount.currency != issued.total.currency or command.amount.amount > state.refundable:
        raise RefundExceedsPayment(
            f"at most {state.refundable} {issued.total.currency} can be refunded"
        )
    return [
        RefundIssued(
            refund_id=command.refund_id,
            order_id=issued.order_id,
            amount=command.amount,
            reason=command.reason,
            invoice_id=issued.invoice_id,
            return_id=command.return_id,
            method=state.settlement.method,
        )
    ]


def _credit(command: IssueCreditNote, issued: InvoiceIssued, state: Invoice) -> list[DomainEvent]:
    if command.credit_note_id in state.credit_note_ids:
        return []  # noted already
    if state.settlement is not None:
        raise InvoiceAlreadySettled(f"invoice {issued.invoice_id} is settled; refund it instead")
    if state.open_amount <= 0:
        return []  # earlier credit notes cover it already
    return [
        CreditNoteIssued(
            credit_note_id=command.credit_note_id,
            invoice_id=issued.invoice_id,
            order_id=issued.order_id,
            amount=Money(amount=state.open_amount, currency=issued.total.currency),
            reason=command.reason,
        )
    ]


def decide(command: InvoiceCommand, state: Invoice, now: datetime) -> Sequence[DomainEvent]:
    if isinstance(command, IssueInvoice):
        return _issue(command, state)
    if state.issued is None:
        raise InvoiceNotFound("no such invoice")
    match command:
        case RecordPayment():
            return _pay(command, state.issued, state, now)
        case IssueRefund():
            return _refund(command, state.issued, state)
        case IssueCreditNote():
            return _credit(command, state.issued, state)


def evolve(state: Invoice, event: DomainEvent) -> Invoice:
    match event:
        case InvoiceIssued():
            return replace(state, issued=event)
        case PaymentSettled():
            return replace(state, settlement=event)
        case PaymentFailed(method=method):
            return replace(state, failed=state.failed | {method.reference})
        case CreditNoteIssued(credit_note_id=credit_note_id, amount=amount):
            return replace(
                state,
                credited=state.credited + amount.amount,
                credit_note_ids=state.credit_note_ids | {credit_note_id},
            )
        case RefundIssued(refund_id=refund_id, amount=amount):
            return replace(
                state,
                refunded=state.refunded + amount.amount,
                refund_ids=state.refund_ids | {refund_id},
            )
        case _:
            return state


invoices: Decider[InvoiceCommand, Invoice, DomainEvent] = Decider(decide, evolve, Invoice)
