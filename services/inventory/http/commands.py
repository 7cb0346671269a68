"""Inventory commands: register a warehouse, receive and adjust stock, set reorder thresholds.

Stock commands answer about the SKU's stream (``stock-<sku>``, all warehouses' balances of one
SKU): its version is the ETag an adjustment or threshold sends back as If-Match."""

from __future__ import annotations

from uuid import uuid4

from fastapi import APIRouter

from shared.service.auth.access import OPS, SUPPLIER, WAREHOUSE
from shared.service.edge import Accepted, Call, Edge, command
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

from ..domain.commands import (
    AdjustStock,
    Command,
    ReceiveStock,
    RegisterWarehouse,
    SetReorderThreshold,
)
from .access import acts_for
from .deps import InventoryDeps
from .models import AdjustmentIn, ReceiptIn, ThresholdIn, WarehouseIn


class InventoryCommands:
    """What suppliers, warehouses and operations tell the inventory."""

    def __init__(self, deps: InventoryDeps) -> None:
        self.deps = deps

    async def send(self, call: Call, command: Command, aggregate: object, stream: str) -> Accepted:
        """Decide and append ``command``; the answer is about ``stream`` (If-Match too)."""
        result = await self.deps.streams.handle(
            command, call.context(), stream, expected_version=call.expected_version
        )
        return Accepted(aggregate, result)

    @command(
        "POST", "/warehouses", roles=(OPS, SUPPLIER), summary="Register (or update) a warehouse"
    )
    async def register_warehouse(self, call: Call, body: StrictJson[WarehouseIn]) -> Accepted:
        """Supplier or operations registers a warehouse: regions served, speed rank, lead time."""
        acts_for(call.actor, "supplier", body.supplier_id)
        warehouse_id = body.warehouse_id or uuid4()
        registered = RegisterWarehouse(
            warehouse_id,
            body.supplier_id,
            body.name,
            tuple(body.regions_served),
            body.speed_rank,
            body.lead_time_days,
        )
        return await self.send(call, registered, warehouse_id, f"warehouse-{warehouse_id}")

    @command(
        "POST",
        "/stock/receipts",
        roles=(OPS, WAREHOUSE),
        webhook=True,
        summary="Record goods received at a warehouse",
    )
    async def receive(self, call: Call, body: StrictJson[ReceiptIn]) -> Accepted:
        acts_for(call.actor, "warehouse", body.warehouse_id)
        received = ReceiveStock(body.warehouse_id, body.sku, body.quantity, body.reference)
        return await self.send(call, received, body.sku, f"stock-{body.sku}")

    @command(
        "POST",
        "/stock/adjustments",
        roles=(OPS, WAREHOUSE),
        versioned=True,
        summary="Correct on-hand stock (count, damage, loss...)",
    )
    async def adjust(self, call: Call, body: StrictJson[AdjustmentIn]) -> Accepted:
        """Never below zero on hand nor below reserved units (409 naming the rule)."""
        if body.delta == 0:
            detail = "an adjustment must change the stock"
            raise Problem(422, "Invalid request", detail, field="delta")
        acts_for(call.actor, "warehouse", body.warehouse_id)
        adjusted = AdjustStock(body.warehouse_id, body.sku, body.delta, body.reason, body.note)
        return await self.send(call, adjusted, body.sku, f"stock-{body.sku}")

    @command(
        "PUT",
        "/stock/thresholds",
        roles=(OPS, WAREHOUSE),
        versioned=True,
        summary="Set a reorder threshold for a SKU at a warehouse",
    )
    async def set_threshold(self, call: Call, body: StrictJson[ThresholdIn]) -> Accepted:
        acts_for(call.actor, "warehouse", body.warehouse_id)
        rule = SetReorderThreshold(
            body.warehouse_id, body.sku, body.threshold, body.reorder_quantity
        )
        return await self.send(call, rule, body.sku, f"stock-{body.sku}")


def command_routes(deps: InventoryDeps) -> APIRouter:
    edge = Edge("inventory", deps.context.idempotency, prefix="", tags=["inventory"])
    return edge.include(InventoryCommands(deps))
