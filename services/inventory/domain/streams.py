"""Which streams an inventory command reads (through the kernel's ``Reads``), and how each
folds: its reservation stream, one stream per SKU it touches and the warehouses involved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from uuid import UUID

from shared.events.inventory import WarehouseRegistered
from shared.events.values import OrderType
from shared.service.repository import MultiStreamRepository, Reads
from shared.service.streams import Fold

from .commands import Command, ReserveStock, order_of, skus_of, warehouse_of
from .state import OrderReservation, SkuState, World, evolve_order, evolve_sku

WarehouseDirectory = Callable[[UUID], Awaitable[Iterable[UUID]]]
"""A supplier's warehouse ids (no stream lists them, so a read model answers)."""


def _latest(_state: Any, event: Any) -> Any:
    return event


def _nothing() -> WarehouseRegistered | None:
    return None


_FOLDS: dict[str, Fold] = {"stock": evolve_sku, "reservation": evolve_order, "warehouse": _latest}


def fold_of(stream_id: str) -> Fold:
    return _FOLDS[stream_id.split("-", 1)[0]]


async def no_directory(_supplier_id: UUID) -> Iterable[UUID]:
    return ()


def world_reader(
    warehouses_of: WarehouseDirectory = no_directory,
) -> Callable[[Command, Reads], Awaitable[World]]:
    """What a command sees; every stream it decides on is guarded by the version it read."""

    async def read(command: Command, reads: Reads) -> World:
        orders: dict[UUID, OrderReservation] = {}
        held: set[str] = set()
        order_id = order_of(command)
        if order_id is not None:
            order = await reads.state(f"reservation-{order_id}", OrderReservation, evolve_order)
            orders[order_id] = order
            held = {p.sku for p in order.placements.values()}
        skus: dict[str, SkuState] = {}
        # A release touches the SKUs the order holds, which the command itself does not name.
        for sku in sorted(set(skus_of(command)) | held):
            skus[sku] = await reads.state(f"stock-{sku}", SkuState, evolve_sku)
        ids = {wh for state in skus.values() for wh in state.balances}
        if isinstance(command, ReserveStock) and command.order_type is OrderType.PRESALE:
            # A presale order may be for goods no warehouse has held yet: it waits at one of
            # the supplier's warehouses, whichever holds stock.
            ids.update(await warehouses_of(command.supplier_id))
        wanted = warehouse_of(command)
        if wanted is not None:
            ids.add(wanted)
        warehouses: dict[UUID, WarehouseRegistered] = {}
        for warehouse_id in sorted(ids, key=str):
            guard = warehouse_id == wanted
            found = await reads.state(f"warehouse-{warehouse_id}", _nothing, _latest, guard=guard)
            if found is not None:
                warehouses[warehouse_id] = found
        return World(warehouses=warehouses, skus=skus, orders=orders)

    return read


StockStreams = MultiStreamRepository[Command, World]
"""Inventory's unit of work over ``warehouse-``, ``stock-`` and ``reservation-`` streams."""
