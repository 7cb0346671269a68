"""``GET /api/v1/exports/invoices``: the invoices issued in a period as CSV or XLSX, each
caller's own (a buyer the invoices it owes, a supplier those it issued)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, BUYER, OPS, SUPPLIER
from shared.service.edge import Edge, query
from shared.service.exports import (
    FILE_RESPONSES,
    FormatQuery,
    PeriodDep,
    export_response,
    paged,
    party_scope,
)

from .deps import PaymentDeps

COLUMNS = (
    "invoice_id", "order_id", "shipment_id", "buyer_id", "supplier_id", "issued_on", "due_on",
    "terms", "status", "overdue", "currency", "total", "credited", "refunded", "open_amount",
    "settled_at",
)  # fmt: skip


class InvoiceExports:
    """The invoices of a period as CSV or XLSX (a buyer or supplier only its own)."""

    def __init__(self, deps: PaymentDeps) -> None:
        self.deps = deps

    @query(
        "/exports/invoices",
        roles=(BUYER, SUPPLIER, OPS, ANALYST),
        response_class=StreamingResponse,
        responses=FILE_RESPONSES,
    )
    async def export_invoices(
        self,
        actor: ActorDep,
        period: PeriodDep,
        format: FormatQuery = "csv",
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> StreamingResponse:
        """Invoices issued from ``from`` to ``to``, with what is still open and whether late."""
        scope = party_scope(actor, buyer_id, supplier_id)
        parties = {"buyer_id": scope["buyer"], "supplier_id": scope["supplier"]}
        book, engine = self.deps.book, self.deps.context.engine
        await self.deps.context.positions.wait_for(book.name, "payment", min_position)
        today = datetime.now(UTC).date()

        async def fetch(offset: int, limit: int) -> Sequence[Any]:
            return await book.issued(engine, period.first, period.last, parties, offset, limit)

        async def rows() -> AsyncIterator[list[Any]]:
            async for r in paged(fetch):
                overdue = r["status"] == "open" and r["due_on"] < today
                yield [*(r[c] for c in COLUMNS[:9]), overdue, *(r[c] for c in COLUMNS[10:])]

        return export_response("invoices", period, format, COLUMNS, rows())


def export_routes(deps: PaymentDeps) -> APIRouter:
    edge = Edge("payment", deps.context.idempotency, prefix="", tags=["exports"])
    return edge.include(InvoiceExports(deps))
