"""Importing counted stock: each row says how many units of a SKU a warehouse has on hand.

The difference to the stock on record becomes a receipt (more units) or a count correction
(fewer); a row that matches the record appends nothing. A count below the units reserved for
orders is refused. Optional threshold and reorder quantity set the SKU's reorder rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self
from uuid import UUID

from pydantic import model_validator

from shared.events.base import PositiveQuantity, Quantity
from shared.events.inventory import AdjustmentReason
from shared.events.values import Sku, Text
from shared.service.auth.access import OPS, SUPPLIER
from shared.service.auth.actor import Actor
from shared.service.context import CommandContext
from shared.service.imports import ImportKind, Imports, Parsed, RowError, RowModel

from ..domain.commands import AdjustStock, ReceiveStock, SetReorderThreshold
from .deps import InventoryDeps


class StockRow(RowModel):
    warehouse_id: UUID
    sku: Sku
    on_hand: Quantity
    threshold: Quantity | None = None
    reorder_quantity: PositiveQuantity | None = None
    reference: Text | None = None

    @model_validator(mode="after")
    def _rule(self) -> Self:
        if (self.threshold is None) != (self.reorder_quantity is None):
            raise ValueError("give threshold and reorder_quantity together, or neither")
        return self


class StockImporter:
    def __init__(self, deps: InventoryDeps, actor: Actor, job_id: str) -> None:
        self.deps = deps
        self.actor = actor
        self.job_id = job_id
        self.command_context = CommandContext(actor=str(actor))
        self.owners: dict[str, str] | None = None
        self.seen: set[tuple[str, str]] = set()

    async def _owners(self) -> dict[str, str]:
        """Warehouse id → its supplier, once every inventory event so far is projected."""
        if self.owners is None:
            context = self.deps.context
            head = await context.store.head_position()
            for name in (self.deps.levels.name, self.deps.warehouses.name):
                await context.positions.wait_for(name, "inventory", head, timeout=30.0)
            self.owners = await self.deps.warehouses.owners(context.engine)
        return self.owners

    async def check(self, rows: Sequence[Parsed]) -> list[RowError]:
        owners = await self._owners()
        errors: list[RowError] = []
        wanted: dict[int, Any] = {}
        for number, row in rows:
            warehouse = str(row.warehouse_id)
            if warehouse not in owners:
                errors.append(RowError(number, "warehouse_id", "no such warehouse"))
            elif self.actor.role == "supplier" and owners[warehouse] != self.actor.party:
                errors.append(RowError(number, "warehouse_id", "not one of your warehouses"))
            elif (warehouse, row.sku) in self.seen:
                errors.append(RowError(number, "sku", "this SKU and warehouse appear earlier"))
            else:
                self.seen.add((warehouse, row.sku))
                wanted[number] = row
        keys = {(r.sku, str(r.warehouse_id)) for r in wanted.values()}
        reserved = await self.deps.levels.reserved(self.deps.context.engine, keys)
        for number, row in wanted.items():
            held = reserved.get((row.sku, str(row.warehouse_id)), 0)
            if row.on_hand < held:
                reason = f"{held} units are reserved for orders: on hand cannot be less"
                errors.append(RowError(number, "on_hand", reason))
        return errors

    async def apply(self, rows: Sequence[Parsed]) -> int:
        for number, row in rows:
            await self._count(number, row)
        return len(rows)

    async def _count(self, number: int, row: StockRow) -> None:
        stream = f"stock-{row.sku}"
        reference = row.reference or f"stock import {self.job_id} row {number}"
        world, _ = await self.deps.streams.load(ReceiveStock(row.warehouse_id, row.sku, 1))
        on_hand = world.sku(row.sku).balance(row.warehouse_id).on_hand
        delta = row.on_hand - on_hand
        command: ReceiveStock | AdjustStock | None = None
        if delta > 0:
            command = ReceiveStock(row.warehouse_id, row.sku, delta, reference)
        elif delta < 0:
            reason = AdjustmentReason.COUNT_CORRECTION
            command = AdjustStock(row.warehouse_id, row.sku, delta, reason, reference)
        if command is not None:
            await self.deps.streams.handle(command, self.command_context, stream)
        if row.threshold is not None and row.reorder_quantity is not None:
            rule = SetReorderThreshold(
                row.warehouse_id, row.sku, row.threshold, row.reorder_quantity
            )
            await self.deps.streams.handle(rule, self.command_context, stream)

    async def finish(self) -> int:
        return 0


def inventory_imports(deps: InventoryDeps) -> Imports:
    kind = ImportKind(
        roles=(SUPPLIER, OPS),
        name="stock",
        summary="Counted stock per warehouse and SKU: the difference to the record becomes a "
        "receipt or a count correction; optionally the SKU's reorder threshold.",
        row_model=StockRow,
        start=lambda actor, job_id: StockImporter(deps, actor, job_id),
    )
    return Imports(deps.context.engine, [kind])
