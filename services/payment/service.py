"""Declares the payment service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository

from .domain.decide import account_decider, invoice_decider
from .domain.ports import PaymentProvider
from .domain.sandbox import SandboxProvider
from .http import routes
from .http.deps import PaymentDeps
from .reactions import reactions
from .views.invoices import InvoiceBook
from .views.ledger import Ledger


def build(context: ServiceContext, provider: PaymentProvider | None = None) -> ServiceParts:
    """Streams ``account-<supplier>_<buyer>`` and ``invoice-<id>``; the sandbox provider
    unless a composition root passes a real one."""
    deps = PaymentDeps(
        context=context,
        accounts=Repository(context.store, account_decider, "account"),
        invoices=Repository(context.store, invoice_decider, "invoice"),
        provider=provider or SandboxProvider(),
        book=InvoiceBook(),
    )
    ledger = Ledger()
    return ServiceParts(
        router=routes(deps),
        policies=reactions(ledger, context.engine, deps.invoices, deps.accounts),
        projections=[deps.book, ledger],
    )


definition = ServiceDefinition(name="payment", build=build)
