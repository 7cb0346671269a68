"""``GET /api/v1/exports/invoices``: the invoices issued in a period as CSV or XLSX, each
caller's own (a buyer the invoices it owes, a supplier those it issued)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from services.payment.projections import InvoiceBook
from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, BUYER, OPS, SUPPLIER, allow
from shared.service.definition import ServiceContext
from shared.service.exports import (
    FILE_RESPONSES,
    FormatQuery,
    PeriodDep,
    export_response,
    paged,
    party_scope,
)

COLUMNS = (
    "invoice_id", "order_id", "shipment_id", "buyer_id", "supplier_id", "issued_on", "due_on",
    "terms", "status", "overdue", "currency", "total", "credited", "refunded", "open_amount",
    "settled_at",
)  # fmt: skip


def export_routes(context: ServiceContext, book: InvoiceBook) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["exports"])
    t = book.invoices

    @router.get(
        "/exports/invoices",
        openapi_extra=allow(BUYER, SUPPLIER, OPS, ANALYST),
        response_class=StreamingResponse,
        responses=FILE_RESPONSES,
    )
    async def export_invoices(
        actor: ActorDep,
        period: PeriodDep,
        format: FormatQuery = "csv",
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> StreamingResponse:
        """Invoices issued from ``from`` to ``to``, with what is still open and whether late."""
        scope = party_scope(actor, buyer_id, supplier_id)
        await context.positions.wait_for(book.name, "payment", min_position)
        today = datetime.now(UTC).date()

        async def fetch(offset: int, limit: int) -> Sequence[Any]:
            query = (
                select(t)
                .where(t.c.issued_on >= period.first, t.c.issued_on <= period.last)
                .order_by(t.c.issued_on, t.c.invoice_id)
                .limit(limit)
                .offset(offset)
            )
            if scope["buyer"] is not None:
                query = query.where(t.c.buyer_id == scope["buyer"])
            if scope["supplier"] is not None:
                query = query.where(t.c.supplier_id == scope["supplier"])
            async with context.engine.connect() as conn:
                return (await conn.execute(query)).mappings().all()

        async def rows() -> AsyncIterator[list[Any]]:
            async for r in paged(fetch):
                overdue = r["status"] == "open" and r["due_on"] < today
                yield [*(r[c] for c in COLUMNS[:9]), overdue, *(r[c] for c in COLUMNS[10:])]

        return export_response("invoices", period, format, COLUMNS, rows())

    return router
