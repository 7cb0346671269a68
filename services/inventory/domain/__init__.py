"""Inventory domain: stock per SKU and warehouse, reservations and routing. Pure: no I/O."""

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
from services.inventory.domain.decide import decide, inventory
from services.inventory.domain.state import World, evolve, stream_for

__all__ = [
    "AdjustStock",
    "ChangeReservedQuantity",
    "Command",
    "CommitShipment",
    "FillBackorder",
    "ReceiveStock",
    "RegisterWarehouse",
    "ReleaseStock",
    "ReserveStock",
    "RestockReturn",
    "SetReorderThreshold",
    "World",
    "decide",
    "evolve",
    "inventory",
    "stream_for",
]
