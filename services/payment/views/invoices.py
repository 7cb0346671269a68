"""The invoice book: every invoice (what is open, its status), its payment attempts and its
refunds or credit notes; with the queries the routes and exports ask of it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import Column, Date, DateTime, MetaData, String, Table, Text, bindparam, select

from shared.events.envelope import Envelope
from shared.events.payment import (
    CreditNoteIssued,
    InvoiceIssued,
    PaymentFailed,
    PaymentSettled,
    RefundIssued,
)
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.service.sql import filtered
from shared.sql import Database

Row = Mapping[str, Any]

Status = Literal["open", "settled", "overdue", "credited"]
Parties = Mapping[str, str | None]
"""``buyer_id`` and ``supplier_id`` to narrow to (None: any)."""


class InvoiceBook(FoldingProjection):
    """One row per invoice (open amount and status kept current), plus its payments and refunds."""

    name = "payment.invoices"
    version = 2  # 2: a prepayment invoice bills the whole order, with no shipment
    sources = ("payment",)
    event_types = (InvoiceIssued, PaymentSettled, PaymentFailed, RefundIssued, CreditNoteIssued)

    def define_tables(self, metadata: MetaData) -> None:
        self.invoices = Table(
            self.table_name("payment_invoices"),
            metadata,
            Column("invoice_id", String(36), primary_key=True),
            Column("order_id", String(36), nullable=False, index=True),
            Column("shipment_id", String(36), nullable=True),  # none: a prepayment
            Column("supplier_id", String(36), nullable=False, index=True),
            Column("buyer_id", String(36), nullable=False, index=True),
            Column("currency", String(3), nullable=False),
            Column("total", String(40), nullable=False),
            Column("credited", String(40), nullable=False),
            Column("refunded", String(40), nullable=False),
            Column("open_amount", String(40), nullable=False),
            Column("terms", String(20), nullable=False),
            Column("issued_on", Date, nullable=False),
            Column("due_on", Date, nullable=False),
            Column("status", String(20), nullable=False),
            Column("payment_id", String(36), nullable=True),
            Column("settled_at", DateTime(timezone=True), nullable=True),
            Column("lines", Text, nullable=False),
        )
        self.payments = Table(
            self.table_name("payment_payments"),
            metadata,
            Column("payment_id", String(36), primary_key=True),
            Column("invoice_id", String(36), nullable=False, index=True),
            Column("order_id", String(36), nullable=False),
            Column("outcome", String(10), nullable=False),
            Column("amount", String(40), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("method", Text, nullable=False),
            Column("reason", Text, nullable=True),
            Column("at", DateTime(timezone=True), nullable=False),
        )
        invoices = self.invoices
        self._listed = select(invoices).order_by(invoices.c.due_on.desc(), invoices.c.invoice_id)
        self._overdue = self._listed.where(
            invoices.c.status == "open",
            invoices.c.due_on < bindparam("day", type_=invoices.c.due_on.type),
        )
        self.refunds = Table(
            self.table_name("payment_refunds"),
            metadata,
            Column("refund_id", String(36), primary_key=True),
            Column("kind", String(12), nullable=False),
            Column("invoice_id", String(36), nullable=True, index=True),
            Column("order_id", String(36), nullable=False),
            Column("return_id", String(36), nullable=True),
            Column("amount", String(40), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("reason", Text, nullable=False),
            Column("at", DateTime(timezone=True), nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        invoice_ids = (getattr(e.event, "invoice_id", None) for e in envelopes)
        await rows.load(self.invoices, {(str(i),) for i in invoice_ids if i is not None})

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        match envelope.event:
            case InvoiceIssued() as event:
                rows.put(self.invoices, _invoice_row(event))
            case PaymentSettled() as event:
                self._payment(rows, envelope, event, "settled", None)
                await self._change(
                    rows,
                    str(event.invoice_id),
                    status="settled",
                    open_amount="0",
                    payment_id=str(event.payment_id),
                    settled_at=event.settled_at,
                )
            case PaymentFailed() as event:
                self._payment(rows, envelope, event, "failed", event.reason)
            case RefundIssued() as event:
                self._refund(rows, envelope, event, "refund", event.refund_id)
                if event.invoice_id is not None:
                    await self._add(rows, str(event.invoice_id), "refunded", event.amount.amount)
            case CreditNoteIssued() as event:
                self._refund(rows, envelope, event, "credit_note", event.credit_note_id)
                await self._add(rows, str(event.invoice_id), "credited", event.amount.amount)

    def _payment(
        self,
        rows: Rows,
        envelope: Envelope,
        event: PaymentSettled | PaymentFailed,
        outcome: str,
        reason: str | None,
    ) -> None:
        row = {
            "payment_id": str(event.payment_id),
            "invoice_id": str(event.invoice_id),
            "order_id": str(event.order_id),
            "outcome": outcome,
            "amount": format(event.amount.amount, "f"),
            "currency": event.amount.currency,
            "method": event.method.model_dump_json(),
            "reason": reason,
            "at": envelope.occurred_at,
        }
        rows.put(self.payments, row)

    def _refund(
        self,
        rows: Rows,
        envelope: Envelope,
        event: RefundIssued | CreditNoteIssued,
        kind: str,
        refund_id: Any,
    ) -> None:
        row = {
            "refund_id": str(refund_id),
            "kind": kind,
            "invoice_id": None if event.invoice_id is None else str(event.invoice_id),
            "order_id": str(event.order_id),
            "return_id": None if event.return_id is None else str(event.return_id),
            "amount": format(event.amount.amount, "f"),
            "currency": event.amount.currency,
            "reason": event.reason,
            "at": envelope.occurred_at,
        }
        rows.put(self.refunds, row)

    async def _add(self, rows: Rows, invoice_id: str, column: str, amount: Decimal) -> None:
        """Add to ``credited`` or ``refunded``; a credit also lowers what is open."""
        row = await rows.get(self.invoices, (invoice_id,))
        if row is None:
            return
        changes: dict[str, Any] = {column: format(Decimal(row[column]) + amount, "f")}
        if column == "credited" and row["status"] != "settled":
            left = Decimal(row["open_amount"]) - amount
            changes["open_amount"] = format(left, "f")
            changes["status"] = "open" if left > 0 else "credited"
        await self._change(rows, invoice_id, **changes)

    async def _change(self, rows: Rows, invoice_id: str, **values: Any) -> None:
        row = await rows.get(self.invoices, (invoice_id,))
        if row is not None:
            rows.put(self.invoices, {**row, **values})

    async def _rows(self, engine: Database, query: Any) -> list[Row]:
        async with engine.connect() as conn:
            return list((await conn.execute(query)).mappings().all())

    async def find(
        self,
        engine: Database,
        parties: Parties,
        order_id: UUID | None,
        status: Status | None,
        day: date,
    ) -> list[Row]:
        """Invoices, newest due first; ``overdue`` means open and past due on ``day``."""
        t = self.invoices
        given: dict[str, Any] = {c: value for c, value in parties.items() if value is not None}
        if order_id is not None:
            given["order_id"] = str(order_id)
        if status not in (None, "overdue"):
            given["status"] = status
        base = self._overdue if status == "overdue" else self._listed
        query = filtered(base, t, sorted(given))
        async with engine.connect() as conn:
            found = await conn.execute(query, {**given, "day": day})
            return list(found.mappings().all())

    async def invoice(self, engine: Database, invoice_id: UUID) -> Row | None:
        query = select(self.invoices).where(self.invoices.c.invoice_id == str(invoice_id))
        found = await self._rows(engine, query)
        return found[0] if found else None

    async def listed(
        self,
        engine: Database,
        kind: Literal["payments", "refunds"],
        column: Literal["invoice_id", "order_id"],
        value: UUID,
    ) -> list[Row]:
        """The payment attempts (or refunds and credit notes) of an invoice or an order."""
        table = self.payments if kind == "payments" else self.refunds
        query = select(table).where(table.c[column] == str(value)).order_by(table.c.at)
        return await self._rows(engine, query)

    async def holds(
        self, engine: Database, parties: Parties, invoice_id: UUID | None, order_id: UUID | None
    ) -> bool:
        """Whether an invoice of ``parties`` has this id (or is of this order)."""
        t = self.invoices
        query = select(t.c.invoice_id).limit(1)
        if invoice_id is not None:
            query = query.where(t.c.invoice_id == str(invoice_id))
        if order_id is not None:
            query = query.where(t.c.order_id == str(order_id))
        for column, value in parties.items():
            if value is not None:
                query = query.where(t.c[column] == value)
        return bool(await self._rows(engine, query))

    async def open_of(self, engine: Database, supplier_id: UUID) -> list[Row]:
        """A supplier's open invoices."""
        t = self.invoices
        query = select(t).where(t.c.supplier_id == str(supplier_id), t.c.status == "open")
        return await self._rows(engine, query)

    async def issued(
        self, engine: Database, first: date, last: date, parties: Parties, offset: int, limit: int
    ) -> list[Row]:
        """Invoices issued from ``first`` to ``last``, oldest first, one page."""
        t = self.invoices
        query = (
            select(t)
            .where(t.c.issued_on >= first, t.c.issued_on <= last)
            .order_by(t.c.issued_on, t.c.invoice_id)
            .limit(limit)
            .offset(offset)
        )
        for column, value in parties.items():
            if value is not None:
                query = query.where(t.c[column] == value)
        return await self._rows(engine, query)


def _invoice_row(event: InvoiceIssued) -> dict[str, Any]:
    total = format(event.total.amount, "f")
    return {
        "invoice_id": str(event.invoice_id),
        "order_id": str(event.order_id),
        "shipment_id": None if event.shipment_id is None else str(event.shipment_id),
        "supplier_id": str(event.supplier_id),
        "buyer_id": str(event.buyer_id),
        "currency": event.total.currency,
        "total": total,
        "credited": "0",
        "refunded": "0",
        "open_amount": total,
        "terms": event.terms.value,
        "issued_on": event.issued_on,
        "due_on": event.due_on,
        "status": "open" if event.total.amount > 0 else "credited",
        "payment_id": None,
        "settled_at": None,
        "lines": json.dumps([line.model_dump(mode="json") for line in event.lines]),
    }
