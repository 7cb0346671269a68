"""The payment-provider port: charge an invoice's amount with a buyer's payment token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from shared.events.base import Money


@dataclass(frozen=True)
class ChargeResult:
    """The provider's answer; ``reference`` identifies the attempt at the provider."""

    provider: str
    reference: str
    succeeded: bool
    reason: str | None = None


class PaymentProvider(Protocol):
    async def charge(self, invoice_id: UUID, amount: Money, token: str) -> ChargeResult:
        """Charge ``amount``; the same (invoice, token) must give the same ``reference``."""
        ...
