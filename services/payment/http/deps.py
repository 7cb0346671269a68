"""What payment's routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.service.definition import ServiceContext
from shared.service.repository import Repository

from ..domain.commands import AccountCommand, InvoiceCommand
from ..domain.ports import PaymentProvider
from ..domain.state import Account, Invoice
from ..views.invoices import InvoiceBook


@dataclass(frozen=True)
class PaymentDeps:
    context: ServiceContext
    accounts: Repository[AccountCommand, Account]
    invoices: Repository[InvoiceCommand, Invoice]
    provider: PaymentProvider
    book: InvoiceBook
