"""Given/When/Then for a supplier's account with a buyer: terms and credit limit."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from services.payment.domain.commands import SetCreditLimit, SetPaymentTerms
from services.payment.domain.decide import account_decider
from services.payment.domain.state import Account
from shared.events.base import Money
from shared.events.payment import CreditLimitSet, PaymentTermsSet
from shared.events.values import PaymentTerms
from shared.service.testing import Scenario

SUPPLIER, BUYER = uuid4(), uuid4()


def test_sets_payment_terms() -> None:
    Scenario(account_decider).when(SetPaymentTerms(SUPPLIER, BUYER, PaymentTerms.NET_60)).then(
        PaymentTermsSet(supplier_id=SUPPLIER, buyer_id=BUYER, terms=PaymentTerms.NET_60)
    )


def test_setting_the_same_terms_again_changes_nothing() -> None:
    given = PaymentTermsSet(supplier_id=SUPPLIER, buyer_id=BUYER, terms=PaymentTerms.PREPAID)
    Scenario(account_decider).given(given).when(
        SetPaymentTerms(SUPPLIER, BUYER, PaymentTerms.PREPAID)
    ).then()


def test_terms_default_to_net_30_until_set() -> None:
    assert Account().effective_terms is PaymentTerms.NET_30
    given = PaymentTermsSet(supplier_id=SUPPLIER, buyer_id=BUYER, terms=PaymentTerms.NET_15)
    assert account_decider.fold([given]).effective_terms is PaymentTerms.NET_15


def test_sets_and_changes_a_credit_limit() -> None:
    first = Money(amount=Decimal("1000"), currency="EUR")
    second = Money(amount=Decimal("2500.00"), currency="EUR")
    Scenario(account_decider).given(
        CreditLimitSet(supplier_id=SUPPLIER, buyer_id=BUYER, limit=first)
    ).when(SetCreditLimit(SUPPLIER, BUYER, second)).then(
        CreditLimitSet(supplier_id=SUPPLIER, buyer_id=BUYER, limit=second)
    )
