"""Payment's aggregates as their decisions need them, and how each event changes them: a
supplier's account with one buyer (``account-<supplier>_<buyer>``: the payment terms and the
credit limit it grants) and an invoice (``invoice-<id>``: issued, settled, refunded, credited)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.payment import (
    CreditInvoiced,
    CreditLimitSet,
    CreditNoteIssued,
    CreditReleaseCause,
    CreditReleased,
    CreditRepaid,
    CreditReservationRefused,
    CreditReserved,
    InvoiceIssued,
    OverdueBlockSet,
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
class Receivable:
    """An invoice of the account still unpaid: what is open of it and when it falls due."""

    order_id: UUID
    amount: Decimal
    due_on: date


@dataclass(frozen=True)
class Account:
    """Terms and credit: ``reserved`` per open order, ``receivable`` per unpaid invoice,
    ``held`` the orders refused credit (oldest first, with their totals)."""

    terms: PaymentTerms | None = None
    credit_limit: Money | None = None
    grace_days: int | None = None
    reserved: dict[UUID, Decimal] = field(default_factory=dict)
    receivable: dict[UUID, Receivable] = field(default_factory=dict)
    held: tuple[tuple[UUID, Money], ...] = ()

    @property
    def effective_terms(self) -> PaymentTerms:
        return self.terms or DEFAULT_TERMS

    @property
    def reserved_total(self) -> Decimal:
        return sum(self.reserved.values(), Decimal(0))

    @property
    def unpaid_total(self) -> Decimal:
        return sum((r.amount for r in self.receivable.values()), Decimal(0))

    def held_amount(self, order_id: UUID) -> Money | None:
        return next((amount for held, amount in self.held if held == order_id), None)


def _without_held(state: Account, order_id: UUID) -> tuple[tuple[UUID, Money], ...]:
    return tuple(entry for entry in state.held if entry[0] != order_id)


def _released(state: Account, event: CreditReleased) -> Account:
    reserved = dict(state.reserved)
    left = reserved.pop(event.order_id, Decimal(0)) - event.amount.amount
    if event.cause is CreditReleaseCause.CONFIRMED_LOWER and left > 0:
        reserved[event.order_id] = left
    return replace(state, reserved=reserved, held=_without_held(state, event.order_id))


def _invoiced(state: Account, event: CreditInvoiced) -> Account:
    reserved = dict(state.reserved)
    left = reserved.pop(event.order_id, Decimal(0)) - event.from_reserved.amount
    if left > 0:
        reserved[event.order_id] = left
    due = Receivable(event.order_id, event.amount.amount, event.due_on)
    return replace(state, reserved=reserved, receivable={**state.receivable, event.invoice_id: due})


def _repaid(state: Account, event: CreditRepaid) -> Account:
    receivable = dict(state.receivable)
    known = receivable.pop(event.invoice_id, None)
    if known is not None and known.amount > event.amount.amount:
        receivable[event.invoice_id] = replace(known, amount=known.amount - event.amount.amount)
    return replace(state, receivable=receivable)


def evolve_account(state: Account, event: DomainEvent) -> Account:
    match event:
        case PaymentTermsSet(terms=terms):
            return replace(state, terms=terms)
        case CreditLimitSet(limit=limit):
            return replace(state, credit_limit=limit)
        case OverdueBlockSet(grace_days=grace_days):
            return replace(state, grace_days=grace_days)
        case CreditReserved(order_id=order_id, amount=amount):
            reserved = {**state.reserved, order_id: amount.amount}
            return replace(state, reserved=reserved, held=_without_held(state, order_id))
        case CreditReservationRefused(order_id=order_id, figures=figures):
            return replace(state, held=(*state.held, (order_id, figures.requested)))
        case CreditReleased():
            return _released(state, event)
        case CreditInvoiced():
            return _invoiced(state, event)
        case CreditRepaid():
            return _repaid(state, event)
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
