"""The inventory decider: one pure ``decide`` over the loaded world, one ``evolve``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services.inventory.domain.commands import (
    AdjustStock,
    ChangeReservedQuantity,
    Command,
    CommitShipment,
    FillBackorder,
    ReceiveStock,
    RegisterWarehouse,
    ReleaseStock,
    ReserveStock,
    RestockReturn,
    SetReorderThreshold,
)
from services.inventory.domain.movements import (
    adjust_stock,
    receive_stock,
    register_warehouse,
    restock_return,
    set_reorder_threshold,
)
from services.inventory.domain.reservations import (
    change_reserved_quantity,
    commit_shipment,
    fill_backorder,
    release_stock,
    reserve_stock,
)
from services.inventory.domain.state import World, evolve
from shared.events.base import DomainEvent
from shared.service.decider import Decider


def decide(command: Command, world: World, now: datetime) -> Sequence[DomainEvent]:
    match command:
        case RegisterWarehouse():
            return register_warehouse(command, world)
        case ReceiveStock():
            return receive_stock(command, world)
        case AdjustStock():
            return adjust_stock(command, world)
        case SetReorderThreshold():
            return set_reorder_threshold(command, world)
        case ReserveStock():
            return reserve_stock(command, world)
        case FillBackorder():
            return fill_backorder(command, world)
        case ReleaseStock():
            return release_stock(command, world)
        case ChangeReservedQuantity():
            return change_reserved_quantity(command, world)
        case CommitShipment():
            return commit_shipment(command, world)
        case RestockReturn():
            return restock_return(command, world)
    raise TypeError(f"unknown command {command!r}")


inventory: Decider[Command, World, DomainEvent] = Decider(
    decide=decide, evolve=evolve, initial_state=World
)
