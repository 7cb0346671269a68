"""``GET /api/v1/exports/orders`` and ``/exports/order-lines``: the orders placed in a period,
as CSV or XLSX, each caller's own (a buyer its orders, a supplier the orders it received)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, BUYER, OPS, SUPPLIER
from shared.service.edge import Edge, query
from shared.service.exports import (
    FILE_RESPONSES,
    FormatQuery,
    Period,
    PeriodDep,
    export_response,
    paged,
    party_scope,
)

from .deps import OrderDeps

ORDER_COLUMNS = (
    "order_id", "placed_at", "buyer_id", "supplier_id", "order_type", "status",
    "delivery_region", "lines", "units", "total", "currency", "updated_at",
)  # fmt: skip
LINE_COLUMNS = (
    "order_id", "placed_at", "buyer_id", "supplier_id", "status", "line_no", "sku",
    "quantity", "unit_price", "currency", "line_total",
)  # fmt: skip


class OrderExports:
    """Orders and order lines of a period as CSV or XLSX (a buyer or supplier only its own)."""

    def __init__(self, deps: OrderDeps) -> None:
        self.deps = deps
        self.table = deps.summaries.orders

    async def page(
        self, period: Period, scope: dict[str, str | None], offset: int, limit: int
    ) -> Sequence[Any]:
        query = (
            select(self.table)
            .where(
                self.table.c.placed_at >= period.start.isoformat(),
                self.table.c.placed_at < period.end.isoformat(),
            )
            .order_by(self.table.c.placed_at, self.table.c.order_id)
            .limit(limit)
            .offset(offset)
        )
        if scope["buyer"] is not None:
            query = query.where(self.table.c.buyer_id == scope["buyer"])
        if scope["supplier"] is not None:
            query = query.where(self.table.c.supplier_id == scope["supplier"])
        async with self.deps.context.engine.connect() as conn:
            return (await conn.execute(query)).mappings().all()

    async def wait(self, min_position: int) -> None:
        await self.deps.context.positions.wait_for(self.deps.summaries.name, "order", min_position)

    @query(
        "/exports/orders",
        roles=(BUYER, SUPPLIER, OPS, ANALYST),
        response_class=StreamingResponse,
        responses=FILE_RESPONSES,
    )
    async def export_orders(
        self,
        actor: ActorDep,
        period: PeriodDep,
        format: FormatQuery = "csv",
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> StreamingResponse:
        """Orders placed from ``from`` to ``to`` (UTC days): one row each, with its total."""
        scope = party_scope(actor, buyer_id, supplier_id)
        await self.wait(min_position)

        async def rows() -> AsyncIterator[list[Any]]:
            async for order in paged(lambda offset, limit: self.page(period, scope, offset, limit)):
                yield _order(order)

        return export_response("orders", period, format, ORDER_COLUMNS, rows())

    @query(
        "/exports/order-lines",
        roles=(BUYER, SUPPLIER, OPS, ANALYST),
        response_class=StreamingResponse,
        responses=FILE_RESPONSES,
    )
    async def export_order_lines(
        self,
        actor: ActorDep,
        period: PeriodDep,
        format: FormatQuery = "csv",
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> StreamingResponse:
        """The lines of the orders placed in the period: quantity, agreed unit price, total."""
        scope = party_scope(actor, buyer_id, supplier_id)
        await self.wait(min_position)

        async def rows() -> AsyncIterator[list[Any]]:
            async for order in paged(lambda offset, limit: self.page(period, scope, offset, limit)):
                for line in _lines(order):
                    yield line

        return export_response("order-lines", period, format, LINE_COLUMNS, rows())


def export_routes(deps: OrderDeps) -> APIRouter:
    edge = Edge("order", deps.context.idempotency, prefix="", tags=["exports"])
    return edge.include(OrderExports(deps))


def _money(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    found = json.loads(value)
    return found["amount"], found["currency"]


def _order(row: Any) -> list[Any]:
    lines = json.loads(row["lines"])
    total, currency = _money(row["total"])
    return [
        row["order_id"], row["placed_at"], row["buyer_id"], row["supplier_id"],
        row["order_type"], row["status"], row["delivery_region"], len(lines),
        sum(line["quantity"] for line in lines), total, currency, row["updated_at"],
    ]  # fmt: skip


def _lines(row: Any) -> list[list[Any]]:
    found = []
    for line in json.loads(row["lines"]):
        price = line.get("unit_price")
        amount = price["amount"] if price else None
        currency = price["currency"] if price else None
        total = None if amount is None else format(Decimal(amount) * line["quantity"], "f")
        found.append([
            row["order_id"], row["placed_at"], row["buyer_id"], row["supplier_id"],
            row["status"], line["line_no"], line["sku"], line["quantity"], amount, currency,
            total,
        ])  # fmt: skip
    return found
