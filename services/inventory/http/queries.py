"""Inventory HTTP API: warehouses, stock movements and thresholds, stock levels, reservations."""

import json
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.inventory.http.answers import (
    ReservationOut,
    SkuStock,
    StockAlertsOut,
    StockLevelPage,
    WarehousePage,
)
from services.inventory.domain import (
    AdjustStock,
    Command,
    ReceiveStock,
    RegisterWarehouse,
    SetReorderThreshold,
)
from services.inventory.domain.state import SkuState, evolve_sku
from services.inventory.domain.streams import StockStreams
from services.inventory.http.imports import inventory_imports
from services.inventory.views import Reservations, StockAlerts, StockLevels, Warehouses
from shared.events.base import PositiveQuantity, Quantity, QuantityChange
from shared.events.inventory import AdjustmentReason
from shared.events.values import Code, Sku, Text
from shared.service.api import (
    Actor,
    ActorDep,
    IdempotencyKeyDep,
    IfMatchDep,
    MinPositionDep,
    accepted,
    respond,
)
from shared.service.as_of import AsOfQuery, as_of_body, fold_as_of
from shared.service.auth.access import ANALYST, OPS, SUPPLIER, WAREHOUSE, allow
from shared.service.context import CommandContext
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.imports import import_routes
from shared.service.openapi_models import Accepted, answers
from shared.service.shapes import instant
from shared.service.strict_json import StrictJson

SkuPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WarehouseIn(_Body):
    warehouse_id: UUID | None = None
    supplier_id: UUID
    name: Text
    regions_served: list[Code] = Field(min_length=1, max_length=100)
    speed_rank: PositiveQuantity = Field(description="1 = fastest")
    lead_time_days: Quantity


class ReceiptIn(_Body):
    warehouse_id: UUID
    sku: Sku
    quantity: PositiveQuantity
    reference: Text | None = None


class AdjustmentIn(_Body):
    warehouse_id: UUID
    sku: Sku
    delta: QuantityChange = Field(
        description="units added (positive) or removed (negative), never 0"
    )
    reason: AdjustmentReason
    note: Text | None = None


class ThresholdIn(_Body):
    warehouse_id: UUID
    sku: Sku
    threshold: Quantity
    reorder_quantity: PositiveQuantity


def _acts_for(actor: Actor, role: str, party: UUID) -> None:
    """A warehouse (or supplier) acts only for itself; operations for any."""
    if actor.role == role and actor.party != str(party):
        raise Problem(403, "Not yours", f"a {role} acts only for itself", field=f"{role}_id")


def _own(actor: Actor, role: str, requested: UUID | None) -> str | None:
    """The filter an actor may read with: a ``role`` actor only its own id (403 for another's)."""
    if actor.role != role:
        return None if requested is None else str(requested)
    if requested is not None and str(requested) != actor.party:
        raise Problem(403, "Not yours", f"a {role} sees only its own", field=f"{role}_id")
    return actor.party


def make_router(
    context: ServiceContext,
    ledger: StockStreams,
    levels: StockLevels,
    warehouses: Warehouses,
    reservations: Reservations,
    alerts: StockAlerts,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["inventory"])
    imports = inventory_imports(context, ledger, levels, warehouses)
    router.include_router(import_routes(imports, tags=["inventory", "imports"]))

    async def run(
        scope: str,
        key: str | None,
        body: StrictJson[BaseModel],
        command: Command,
        actor: ActorDep,
        aggregate: str,
        stream_id: str,
        expected: int | None = None,
    ) -> JSONResponse:
        async def action() -> tuple[int, Any]:
            result = await ledger.handle(
                command, CommandContext(actor=str(actor)), stream_id, expected_version=expected
            )
            return accepted(aggregate, result)

        payload = body.model_dump(mode="json")
        return respond(await context.idempotency.run(f"inventory:{scope}", key, payload, action))

    @router.post(
        "/warehouses",
        openapi_extra=allow(OPS, SUPPLIER),
        summary="Register (or update) a warehouse",
        **answers(Accepted),
    )
    async def register_warehouse(
        body: StrictJson[WarehouseIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Supplier or operations registers a warehouse: regions served, speed rank, lead time."""
        _acts_for(actor, "supplier", body.supplier_id)
        warehouse_id = body.warehouse_id or uuid4()
        command = RegisterWarehouse(
            warehouse_id,
            body.supplier_id,
            body.name,
            tuple(body.regions_served),
            body.speed_rank,
            body.lead_time_days,
        )
        stream = f"warehouse-{warehouse_id}"
        return await run("warehouses", key, body, command, actor, str(warehouse_id), stream)

    @router.post(
        "/stock/receipts",
        openapi_extra=allow(OPS, WAREHOUSE, webhook=True),
        summary="Record goods received at a warehouse",
        **answers(Accepted),
    )
    async def receive(
        body: StrictJson[ReceiptIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        _acts_for(actor, "warehouse", body.warehouse_id)
        command = ReceiveStock(body.warehouse_id, body.sku, body.quantity, body.reference)
        return await run("receipts", key, body, command, actor, body.sku, f"stock-{body.sku}")

    @router.post(
        "/stock/adjustments",
        openapi_extra=allow(OPS, WAREHOUSE),
        summary="Correct on-hand stock (count, damage, loss...)",
        **answers(Accepted),
    )
    async def adjust(
        body: StrictJson[AdjustmentIn],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Never below zero on hand nor below reserved units (409 naming the rule)."""
        if body.delta == 0:
            raise Problem(
                422, "Invalid request", "an adjustment must change the stock", field="delta"
            )
        _acts_for(actor, "warehouse", body.warehouse_id)
        command = AdjustStock(body.warehouse_id, body.sku, body.delta, body.reason, body.note)
        stream = f"stock-{body.sku}"
        return await run("adjustments", key, body, command, actor, body.sku, stream, if_match)

    @router.put(
        "/stock/thresholds",
        openapi_extra=allow(OPS, WAREHOUSE),
        summary="Set a reorder threshold for a SKU at a warehouse",
        **answers(Accepted),
    )
    async def set_threshold(
        body: StrictJson[ThresholdIn],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        _acts_for(actor, "warehouse", body.warehouse_id)
        command = SetReorderThreshold(
            body.warehouse_id, body.sku, body.threshold, body.reorder_quantity
        )
        stream = f"stock-{body.sku}"
        return await run("thresholds", key, body, command, actor, body.sku, stream, if_match)

    async def wait(projection: str, position: int) -> None:
        await context.positions.wait_for(projection, "inventory", position)

    def level(row: Any) -> dict[str, Any]:
        return {
            "sku": row.sku,
            "warehouse_id": row.warehouse_id,
            "on_hand": row.on_hand,
            "reserved": row.reserved,
            "available": row.on_hand - row.reserved,
            "threshold": row.threshold,
            "reorder_quantity": row.reorder_quantity,
            "low": row.low,
        }

    @router.get(
        "/stock",
        openapi_extra=allow(ANALYST, OPS, WAREHOUSE),
        summary="Stock levels per SKU per warehouse",
        **answers(StockLevelPage),
    )
    async def stock_levels(
        actor: ActorDep,
        sku: Annotated[Sku | None, Query()] = None,
        warehouse_id: Annotated[UUID | None, Query()] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A warehouse sees only its own levels."""
        own = _own(actor, "warehouse", warehouse_id)
        await wait(levels.name, min_position)
        t = levels.levels
        query = select(t).order_by(t.c.sku, t.c.warehouse_id)
        if sku is not None:
            query = query.where(t.c.sku == sku)
        if own is not None:
            query = query.where(t.c.warehouse_id == own)
        async with context.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {"items": [level(row) for row in rows]}

    @router.get(
        "/stock/alerts",
        openapi_extra=allow(ANALYST, OPS, SUPPLIER, WAREHOUSE),
        **answers(StockAlertsOut),
        summary="Low-stock alerts and replenishment requests",
    )
    async def stock_alerts(
        actor: ActorDep,
        sku: Annotated[Sku | None, Query()] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A supplier sees the alerts of its own warehouses, a warehouse its own."""
        await wait(alerts.name, min_position)
        a, r = alerts.alerts, alerts.requests
        qa = select(a).order_by(a.c.position.desc())
        qr = select(r).order_by(r.c.position.desc())
        if sku is not None:
            qa, qr = qa.where(a.c.sku == sku), qr.where(r.c.sku == sku)
        if actor.role == "warehouse":
            qa, qr = (
                qa.where(a.c.warehouse_id == actor.party),
                qr.where(r.c.warehouse_id == actor.party),
            )
        elif actor.role == "supplier":
            w = warehouses.warehouses
            own = select(w.c.warehouse_id).where(w.c.supplier_id == actor.party)
            qa, qr = qa.where(a.c.warehouse_id.in_(own)), qr.where(r.c.warehouse_id.in_(own))
        async with context.engine.connect() as conn:
            found = (await conn.execute(qa)).mappings().all()
            requests = (await conn.execute(qr)).mappings().all()
        return {
            "alerts": [{**row, "raised_at": instant(row["raised_at"])} for row in found],
            "replenishment_requests": [
                {**row, "requested_at": instant(row["requested_at"])} for row in requests
            ],
        }

    @router.get(
        "/stock/{sku}",
        openapi_extra=allow(ANALYST, OPS, WAREHOUSE),
        **answers(SkuStock),
        summary="One SKU's stock at every warehouse, with totals",
    )
    async def stock_of(
        sku: SkuPath, actor: ActorDep, min_position: MinPositionDep = 0, as_of: AsOfQuery = None
    ) -> dict[str, Any]:
        """With ``as_of``: the SKU's balances folded from its events recorded by then. A
        warehouse sees only its own balance."""
        own = _own(actor, "warehouse", None)
        if as_of is not None:
            folded = await fold_as_of(context.store, f"stock-{sku}", evolve_sku, SkuState(), as_of)
            balances = {
                str(warehouse): balance
                for warehouse, balance in folded.state.balances.items()
                if own in (None, str(warehouse))
            }
            if folded.version == 0 or not balances:
                raise Problem(404, "Unknown SKU", f"no stock recorded for {sku} by {as_of}", "sku")
            body = as_of_body(folded, f"stock-{sku}", as_of)
            state = body["state"]
            state["balances"] = {k: v for k, v in state["balances"].items() if k in balances}
            for warehouse, balance in balances.items():
                state["balances"][warehouse]["available"] = balance.available
            if own is not None:
                state["return_references"] = []
            return body
        await wait(levels.name, min_position)
        t = levels.levels
        query = select(t).where(t.c.sku == sku).order_by(t.c.warehouse_id)
        if own is not None:
            query = query.where(t.c.warehouse_id == own)
        async with context.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        if not rows:
            raise Problem(404, "Unknown SKU", f"no stock was ever recorded for {sku}", field="sku")
        items = [level(row) for row in rows]
        totals = {k: sum(i[k] for i in items) for k in ("on_hand", "reserved", "available")}
        return {"sku": sku, **totals, "warehouses": items}

    @router.get(
        "/warehouses",
        openapi_extra=allow(ANALYST, OPS, SUPPLIER),
        summary="Registered warehouses",
        **answers(WarehousePage),
    )
    async def list_warehouses(
        actor: ActorDep,
        supplier_id: Annotated[UUID | None, Query()] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """A supplier sees only its own warehouses."""
        own = _own(actor, "supplier", supplier_id)
        await wait(warehouses.name, min_position)
        t = warehouses.warehouses
        query = select(t).order_by(t.c.speed_rank, t.c.name)
        if own is not None:
            query = query.where(t.c.supplier_id == own)
        async with context.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        items = [{**row, "regions_served": json.loads(row["regions_served"])} for row in rows]
        return {"items": items}

    @router.get(
        "/reservations/{order_id}",
        openapi_extra=allow(ANALYST, OPS),
        **answers(ReservationOut),
        summary="An order's allocations and why those warehouses",
    )
    async def reservation(order_id: UUID, min_position: MinPositionDep = 0) -> dict[str, Any]:
        await wait(reservations.name, min_position)
        t = reservations.reservations
        async with context.engine.connect() as conn:
            row = (
                await conn.execute(select(t.c.document).where(t.c.order_id == str(order_id)))
            ).first()
        if row is None:
            raise Problem(
                404, "Unknown reservation", f"no reservation for order {order_id}", field="order_id"
            )
        document: dict[str, Any] = json.loads(row[0])
        return document

    return router
