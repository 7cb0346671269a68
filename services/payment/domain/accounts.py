"""A supplier's account with one buyer: the payment terms and the credit limit it grants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.payment import CreditLimitSet, PaymentTermsSet
from shared.events.values import PaymentTerms
from shared.service.decider import Decider

DEFAULT_TERMS = PaymentTerms.NET_30
"""The terms of a buyer whose supplier set none."""


def account_id(supplier_id: UUID, buyer_id: UUID) -> str:
    """The account's id in its stream name (``account-<supplier>_<buyer>``)."""
    return f"{supplier_id}_{buyer_id}"


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
class Account:
    terms: PaymentTerms | None = None
    credit_limit: Money | None = None

    @property
    def effective_terms(self) -> PaymentTerms:
        return self.terms or DEFAULT_TERMS


def decide(command: AccountCommand, state: Account, now: datetime) -> Sequence[DomainEvent]:
    """Setting what is already set changes nothing (a repeated PUT is a no-op)."""
    match command:
        case SetPaymentTerms(supplier_id, buyer_id, terms):
            if state.terms == terms:
                return []
            return [PaymentTermsSet(supplier_id=supplier_id, buyer_id=buyer_id, terms=terms)]
        case SetCreditLimit(supplier_id, buyer_id, limit):
            if state.credit_limit == limit:
                return []
            return [CreditLimitSet(supplier_id=supplier_id, buyer_id=buyer_id, limit=limit)]


def evolve(state: Account, event: DomainEvent) -> Account:
    match event:
        case PaymentTermsSet(terms=terms):
            return replace(state, terms=terms)
        case CreditLimitSet(limit=limit):
            return replace(state, credit_limit=limit)
        case _:
            return state


accounts: Decider[AccountCommand, Account, DomainEvent] = Decider(decide, evolve, Account)
