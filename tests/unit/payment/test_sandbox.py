"""The sandbox payment provider is deterministic."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from services.payment.domain.sandbox import SandboxProvider
from shared.events.base import Money

AMOUNT = Money(amount=Decimal("10"), currency="EUR")


async def test_ok_tokens_succeed_with_a_stable_reference() -> None:
    invoice = uuid4()
    first = await SandboxProvider().charge(invoice, AMOUNT, "tok_ok")
    again = await SandboxProvider().charge(invoice, AMOUNT, "tok_ok")
    assert first.succeeded
    assert first.reference == again.reference


async def test_fail_tokens_are_declined_with_a_reason() -> None:
    result = await SandboxProvider().charge(uuid4(), AMOUNT, "tok_fail")
    assert not result.succeeded
    assert result.reason == "card declined"
