"""The sandbox payment provider: a deterministic adapter of the provider port (``ports.py``) for
development and tests, in process (no network, no clock); a real provider is passed to the
service's build by a composition root."""

from __future__ import annotations

from uuid import UUID, uuid5

from shared.events.base import Money

from .ports import ChargeResult

_NAMESPACE = UUID("5f1c1a3e-8a54-5a0e-9a43-0d6b3c2f7a10")


class SandboxProvider:
    """``tok_ok…`` succeeds, ``tok_fail…`` is declined; anything else is an unknown token."""

    name = "sandbox"

    async def charge(self, invoice_id: UUID, amount: Money, token: str) -> ChargeResult:
        reference = f"sbx_{uuid5(_NAMESPACE, f'{invoice_id}:{token}').hex}"
        if token.startswith("tok_ok"):
            return ChargeResult(self.name, reference, succeeded=True)
        reason = "card declined" if token.startswith("tok_fail") else "unknown payment token"
        return ChargeResult(self.name, reference, succeeded=False, reason=reason)
