"""Declares the payment service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from fastapi import APIRouter

from services.payment.api import make_router
from services.payment.domain.accounts import accounts
from services.payment.domain.invoice import invoices
from services.payment.domain.ports import PaymentProvider
from services.payment.exports import export_routes
from services.payment.ledger import Ledger
from services.payment.policies import Invoicing
from services.payment.projections import InvoiceBook
from services.payment.queries import make_query_router
from services.payment.sandbox import SandboxProvider
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository


def build(context: ServiceContext, provider: PaymentProvider | None = None) -> ServiceParts:
    """Streams ``account-<supplier>_<buyer>`` and ``invoice-<id>``; the sandbox provider
    unless a composition root passes a real one."""
    account_repo = Repository(context.store, accounts, "account")
    invoice_repo = Repository(context.store, invoices, "invoice")
    book = InvoiceBook()
    router = APIRouter()
    router.include_router(
        make_router(
            context,
            accounts=account_repo,
            invoices=invoice_repo,
            provider=provider or SandboxProvider(),
        )
    )
    router.include_router(make_query_router(context, accounts=account_repo, book=book))
    router.include_router(export_routes(context, book))
    invoicing = Invoicing(Ledger(context.engine), invoice_repo, account_repo)
    return ServiceParts(router=router, policies=invoicing.policies(), projections=[book])


definition = ServiceDefinition(name="payment", build=build)
