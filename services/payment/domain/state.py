"""Payment's aggregates as their decisions need them, and how each event changes them: a
supplier's account with one buyer (``account-<supplier>_<buyer>``: the payment terms and the
credit limit it grants) and an invoice (``invoice-<id>``: issued, settled, refunded, credited)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.payment import (
    CreditLimitSet,
    CreditNoteIssued,
    InvoiceIssued,
    PaymentFailed,
    PaymentSettled,
    PaymentTermsSet,
    RefundIssued,
)
from shared.events.values import PaymentTerms

DEFAULT_TERMS = PaymentTerms.NET_30
"""The terms of a buyer whose supplier set none."""


def account_id(supplier_id: UUID, buyer_id: UUID) -> str:
    """The account's id in its stream name (``account-<supplier>_<buyer>``)."""
    return f"{supplier_id}_{buyer_id}"


@dataclass(frozen=True)
class Account:
    terms: PaymentTerms | None = None
    credit_limit: Money | None = None

    @property
    def effective_terms(self) -> PaymentTerms:
        return self.terms or DEFAULT_TERMS


def evolve_account(state: Account, event: DomainEvent) -> Account:
    match event:
        case PaymentTermsSet(terms=terms):
            return replace(state, terms=terms)
        case CreditLimitSet(limit=limit):
            return replace(state, credit_limit=limit)
        case _:
            return state


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


def evolve_invoice(state: Invoice, event: DomainEvent) -> Invoice:
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
