"""Reactions: invoice accepted goods at the agreed prices; refund or credit returned goods."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import structlog

from services.payment.domain.accounts import account_id
from services.payment.domain.billing import invoice_lines
from services.payment.domain.invoice import IssueInvoice
from services.payment.ledger import Acceptance, Ledger, ReturnCopy, invoice_id_for
from shared.events.envelope import Envelope
from shared.events.logistics import GoodsAccepted, ReturnAuthorized, ReturnReceived
from shared.events.order import OrderConfirmed, OrderPlaced
from shared.service.context import CommandContext
from shared.service.policy import Policy
from shared.service.repository import Repository

log = structlog.get_logger(__name__)

INVOICING = "payment.invoicing"


class Invoicing:
    """Joins the order's agreement (order service) with acceptances (logistics): whichever
    arrives last issues the invoice, so neither feed has to be ahead of the other."""

    def __init__(
        self, ledger: Ledger, invoices: Repository[Any, Any], accounts: Repository[Any, Any]
    ):
        self.ledger = ledger
        self.invoices = invoices
        self.accounts = accounts

    def policies(self) -> list[Policy]:
        return [
            Policy(
                INVOICING + ".orders", "order", {"OrderPlaced", "OrderConfirmed"}, self.on_order
            ),
            Policy(
                INVOICING + ".logistics",
                "logistics",
                {"GoodsAccepted", "ReturnAuthorized", "ReturnReceived"},
                self.on_logistics,
            ),
        ]

    async def on_order(self, envelope: Envelope) -> None:
        match envelope.event:
            case OrderPlaced(order_id=order_id, buyer_id=buyer_id, supplier_id=supplier_id):
                await self.ledger.record_order(order_id, buyer_id, supplier_id)
            case OrderConfirmed(order_id=order_id, lines=lines):
                await self.ledger.hold_order(order_id)
                await self.ledger.record_agreement(order_id, lines)
                await self.issue_pending(order_id)

    async def on_logistics(self, envelope: Envelope) -> None:
        match envelope.event:
            case GoodsAccepted(order_id=order_id, shipment_id=shipment_id, lines=lines):
                await self.ledger.hold_order(order_id)
                acceptance = Acceptance(
                    envelope.event_id,
                    order_id,
                    shipment_id,
                    invoice_id_for(envelope.event_id),
                    lines,
                    envelope.occurred_at.date(),
                )
                await self.ledger.record_acceptance(acceptance)
                await self.issue_pending(order_id)
            case ReturnAuthorized() as event:
                copy = ReturnCopy(event.order_id, event.shipment_id, event.remedy)
                await self.ledger.record_return(event.return_id, copy)
            case ReturnReceived() as event:
                await self.compensate(envelope, event)

    async def issue_pending(self, order_id: UUID) -> None:
        """Invoice every acceptance of the order still waiting, once its agreement is known."""
        order = await self.ledger.order(order_id)
        if order is None or order.agreed is None:
            return
        account = await self.accounts.load(account_id(order.supplier_id, order.buyer_id))
        for acceptance in await self.ledger.pending(order_id):
            lines = invoice_lines(order.agreed, acceptance.lines)
            if lines:
                command = IssueInvoice(
                    invoice_id=acceptance.invoice_id,
                    order_id=order_id,
                    shipment_id=acceptance.shipment_id,
                    supplier_id=order.supplier_id,
                    buyer_id=order.buyer_id,
                    lines=lines,
                    terms=account.state.effective_terms,
                    issued_on=acceptance.accepted_on,
                )
                # Ids follow the acceptance, whichever feed triggers the issue.
                context = CommandContext.reaction(INVOICING, acceptance.acceptance_id, order_id)
                await self.invoices.handle(acceptance.invoice_id, command, context)
            else:
                log.warning(
                    "acceptance names no agreed line", acceptance=str(acceptance.acceptance_id)
                )
            await self.ledger.mark_invoiced(acceptance.acceptance_id)

    async def compensate(self, envelope: Envelope, event: ReturnReceived) -> None:
        """Returned goods move no money today: every return comes from goods rejected at
        inspection, and an invoice bills only the accepted units, so a returned unit was
        never billed. (Refunds of settled invoices are issued through POST /refunds.)"""
        copy = await self.ledger.return_of(event.return_id)
        log.info(
            "return received; rejected units were never invoiced",
            return_id=str(event.return_id),
            remedy=copy.remedy.value if copy else None,
        )
