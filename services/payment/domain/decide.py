"""Payment's deciders: an account's terms and limit, and an invoice's life."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from shared.events.base import DomainEvent, Money
from shared.events.payment import (
    CreditNoteIssued,
    InvoiceIssued,
    OverdueBlockSet,
    PaymentFailed,
    PaymentSettled,
    PaymentTermsSet,
    RefundIssued,
)
from shared.service.decider import Decider

from . import credit
from .billing import due_on
from .commands import (
    AccountCommand,
    InvoiceCommand,
    InvoiceCredit,
    IssueCreditNote,
    IssueInvoice,
    IssueRefund,
    RecordPayment,
    ReleaseCredit,
    RepayCredit,
    ReserveCredit,
    SetCreditLimit,
    SetOverdueBlock,
    SetPaymentTerms,
)
from .errors import (
    AmountDoesNotMatch,
    InvoiceAlreadySettled,
    InvoiceNotFound,
    InvoiceNotSettled,
    RefundExceedsPayment,
)
from .state import Account, Invoice, evolve_account, evolve_invoice


def decide_account(command: AccountCommand, state: Account, now: datetime) -> Sequence[DomainEvent]:
    """Setting what is already set changes nothing (a repeated PUT is a no-op)."""
    match command:
        case SetPaymentTerms(supplier_id, buyer_id, terms):
            if state.terms == terms:
                return []
            return [PaymentTermsSet(supplier_id=supplier_id, buyer_id=buyer_id, terms=terms)]
        case SetCreditLimit():
            return credit.set_limit(command, state, now)
        case SetOverdueBlock(supplier_id, buyer_id, grace_days):
            if state.grace_days == grace_days:
                return []
            return [
                OverdueBlockSet(supplier_id=supplier_id, buyer_id=buyer_id, grace_days=grace_days)
            ]
        case ReserveCredit():
            return credit.reserve(command, state, now)
        case ReleaseCredit():
            return credit.release(command, state, now)
        case InvoiceCredit():
            return credit.invoice(command, state)
        case RepayCredit():
            return credit.repay(command, state, now)


account_decider: Decider[AccountCommand, Account, DomainEvent] = Decider(
    decide_account, evolve_account, Account
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


def decide_invoice(command: InvoiceCommand, state: Invoice, now: datetime) -> Sequence[DomainEvent]:
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


invoice_decider: Decider[InvoiceCommand, Invoice, DomainEvent] = Decider(
    decide_invoice, evolve_invoice, Invoice
)
