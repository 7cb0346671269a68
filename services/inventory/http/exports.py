"""``GET /api/v1/exports/stock``: every stock movement in a period as CSV or XLSX (receipts,
adjustments, reservations, releases, shipments), each caller's own warehouses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from shared.events.values import Sku
from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, OPS, SUPPLIER, WAREHOUSE
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.exports import (
    FILE_RESPONSES,
    FormatQuery,
    Period,
    PeriodDep,
    export_response,
    paged,
)

from .deps import InventoryDeps

COLUMNS = (
    "at", "warehouse_id", "supplier_id", "sku", "movement", "on_hand_delta", "reserved_delta",
    "order_id", "reference",
)  # fmt: skip


class StockExports:
    """Stock movements of a period as CSV or XLSX (a supplier or warehouse only its own)."""

    def __init__(self, deps: InventoryDeps) -> None:
        self.deps = deps

    async def page(
        self,
        actor: Actor,
        period: Period,
        filters: tuple[UUID | None, str | None],
        offset: int,
        limit: int,
    ) -> Sequence[Any]:
        m, w = self.deps.movements.movements, self.deps.warehouses.warehouses
        warehouse_id, sku = filters
        query = (
            select(m, w.c.supplier_id)
            .join(w, w.c.warehouse_id == m.c.warehouse_id, isouter=True)
            .where(m.c.at >= period.start.isoformat(), m.c.at < period.end.isoformat())
            .order_by(m.c.position)
            .limit(limit)
            .offset(offset)
        )
        if actor.role == "supplier":
            query = query.where(w.c.supplier_id == actor.party)
        if actor.role == "warehouse" and warehouse_id is None:
            query = query.where(m.c.warehouse_id == actor.party)
        if warehouse_id is not None:
            query = query.where(m.c.warehouse_id == str(warehouse_id))
        if sku is not None:
            query = query.where(m.c.sku == sku)
        async with self.deps.context.engine.connect() as conn:
            return (await conn.execute(query)).mappings().all()

    @query(
        "/exports/stock",
        roles=(SUPPLIER, WAREHOUSE, OPS, ANALYST),
        response_class=StreamingResponse,
        responses=FILE_RESPONSES,
    )
    async def export_stock(
        self,
        actor: ActorDep,
        period: PeriodDep,
        format: FormatQuery = "csv",
        warehouse_id: UUID | None = None,
        sku: Sku | None = None,
        min_position: MinPositionDep = 0,
    ) -> StreamingResponse:
        """Stock movements from ``from`` to ``to`` (UTC days), oldest first. A supplier gets
        its own warehouses', a warehouse its own."""
        if actor.role == "warehouse":
            if warehouse_id is not None and str(warehouse_id) != actor.party:
                raise Problem(403, "Not yours", "a warehouse exports only its own stock",
                              field="warehouse_id")  # fmt: skip
            warehouse_id = UUID(actor.party) if _is_uuid(actor.party) else warehouse_id
        for name in (self.deps.movements.name, self.deps.warehouses.name):
            await self.deps.wait(name, min_position)
        filters = (warehouse_id, sku)

        async def rows() -> AsyncIterator[list[Any]]:
            async for r in paged(partial(self.page, actor, period, filters)):
                yield [r[c] for c in COLUMNS]

        return export_response("stock", period, format, COLUMNS, rows())


def export_routes(deps: InventoryDeps) -> APIRouter:
    edge = Edge("inventory", deps.context.idempotency, prefix="", tags=["exports"])
    return edge.include(StockExports(deps))


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
