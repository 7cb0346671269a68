"""Inventory reads: stock levels, one SKU's stock (also as it was), alerts, warehouses and an
order's reservation. ``min_position`` waits for the read model (read-your-writes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query

from shared.events.values import Sku
from shared.service.api import ActorDep, MinPositionDep
from shared.service.as_of import AsOfQuery, as_of_body, fold_as_of
from shared.service.auth.access import ANALYST, OPS, SUPPLIER, WAREHOUSE
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers

from ..domain.state import SkuState, evolve_sku
from .access import own
from .answers import ReservationOut, SkuStock, StockAlertsOut, StockLevelPage, WarehousePage
from .deps import InventoryDeps

SkuPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class InventoryQueries:
    """Stock, alerts, warehouses and reservations, each caller its own part of them."""

    def __init__(self, deps: InventoryDeps) -> None:
        self.deps = deps
        self.engine = deps.context.engine

    @query(
        "/stock",
        roles=(ANALYST, OPS, WAREHOUSE),
        summary="Stock levels per SKU per warehouse",
        **answers(StockLevelPage),
    )
    async def stock_levels(
        self,
        actor: ActorDep,
        sku: Annotated[Sku | None, Query()] = None,
        warehouse_id: Annotated[UUID | None, Query()] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A warehouse sees only its own levels."""
        mine = own(actor, "warehouse", warehouse_id)
        await self.deps.wait(self.deps.levels.name, min_position)
        return {"items": await self.deps.levels.find(self.engine, sku=sku, warehouse_id=mine)}

    @query(
        "/stock/alerts",
        roles=(ANALYST, OPS, SUPPLIER, WAREHOUSE),
        **answers(StockAlertsOut),
        summary="Low-stock alerts and replenishment requests",
    )
    async def stock_alerts(
        self,
        actor: ActorDep,
        sku: Annotated[Sku | None, Query()] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A supplier sees the alerts of its own warehouses, a warehouse its own."""
        await self.deps.wait(self.deps.alerts.name, min_position)
        within: Any = None
        if actor.role == "warehouse":
            within = [actor.party]
        elif actor.role == "supplier":
            within = self.deps.warehouses.ids_of(actor.party)
        return await self.deps.alerts.find(self.engine, sku, within)

    @query(
        "/stock/{sku}",
        roles=(ANALYST, OPS, WAREHOUSE),
        **answers(SkuStock),
        summary="One SKU's stock at every warehouse, with totals",
    )
    async def stock_of(
        self,
        sku: SkuPath,
        actor: ActorDep,
        min_position: MinPositionDep = 0,
        as_of: AsOfQuery = None,
    ) -> dict[str, Any]:
        """With ``as_of``: the SKU's balances folded from its events recorded by then. A
        warehouse sees only its own balance."""
        mine = own(actor, "warehouse", None)
        if as_of is not None:
            return await self.stock_as_of(sku, mine, as_of)
        await self.deps.wait(self.deps.levels.name, min_position)
        items = await self.deps.levels.find(self.engine, sku=sku, warehouse_id=mine)
        if not items:
            raise Problem(404, "Unknown SKU", f"no stock was ever recorded for {sku}", field="sku")
        totals = {k: sum(i[k] for i in items) for k in ("on_hand", "reserved", "available")}
        return {"sku": sku, **totals, "warehouses": items}

    async def stock_as_of(self, sku: str, mine: str | None, as_of: datetime) -> dict[str, Any]:
        """The SKU's stream folded to ``as_of``; only the warehouse ``mine``, if given."""
        stream = f"stock-{sku}"
        folded = await fold_as_of(self.deps.context.store, stream, evolve_sku, SkuState(), as_of)
        balances = {
            str(warehouse): balance
            for warehouse, balance in folded.state.balances.items()
            if mine in (None, str(warehouse))
        }
        if folded.version == 0 or not balances:
            raise Problem(404, "Unknown SKU", f"no stock recorded for {sku} by {as_of}", "sku")
        body = as_of_body(folded, stream, as_of)
        state = body["state"]
        state["balances"] = {k: v for k, v in state["balances"].items() if k in balances}
        for warehouse, balance in balances.items():
            state["balances"][warehouse]["available"] = balance.available
        if mine is not None:
            state["return_references"] = []
        return body

    @query(
        "/warehouses",
        roles=(ANALYST, OPS, SUPPLIER),
        summary="Registered warehouses",
        **answers(WarehousePage),
    )
    async def list_warehouses(
        self,
        actor: ActorDep,
        supplier_id: Annotated[UUID | None, Query()] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A supplier sees only its own warehouses."""
        mine = own(actor, "supplier", supplier_id)
        await self.deps.wait(self.deps.warehouses.name, min_position)
        return {"items": await self.deps.warehouses.listed(self.engine, mine)}

    @query(
        "/reservations/{order_id}",
        roles=(ANALYST, OPS),
        **answers(ReservationOut),
        summary="An order's allocations and why those warehouses",
    )
    async def reservation(self, order_id: UUID, min_position: MinPositionDep = 0) -> dict[str, Any]:
        await self.deps.wait(self.deps.reservations.name, min_position)
        found = await self.deps.reservations.document(self.engine, str(order_id))
        if found is None:
            detail = f"no reservation for order {order_id}"
            raise Problem(404, "Unknown reservation", detail, field="order_id")
        return found


def query_routes(deps: InventoryDeps) -> APIRouter:
    edge = Edge("inventory", deps.context.idempotency, prefix="", tags=["inventory"])
    return edge.include(InventoryQueries(deps))
