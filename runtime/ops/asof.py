"""Time travel for operators: an order, a SKU's stock or an invoice as of an instant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.inventory.domain.state import SkuState, evolve_sku
from services.order.domain.decide import order_decider
from services.payment.domain.decide import invoice_decider as invoices
from shared.eventstore.port import EventStore
from shared.service.as_of import fold_as_of, state_json


class Kind(StrEnum):
    order = "order"
    stock = "stock"
    invoice = "invoice"


@dataclass(frozen=True)
class Target:
    service: str
    prefix: str
    evolve: Callable[[Any, Any], Any]
    initial: Callable[[], Any]


TARGETS = {
    Kind.order: Target("order", "order", order_decider.evolve, order_decider.initial_state),
    Kind.stock: Target("inventory", "stock", evolve_sku, SkuState),
    Kind.invoice: Target("payment", "invoice", invoices.evolve, invoices.initial_state),
}


async def state_as_of(
    stores: Mapping[str, EventStore], kind: Kind, key: str, as_of: datetime
) -> dict[str, Any]:
    """The fold of ``<prefix>-<key>``'s events recorded up to ``as_of``, as JSON-able data."""
    target = TARGETS[kind]
    stream_id = f"{target.prefix}-{key}"
    folded = await fold_as_of(
        stores[target.service], stream_id, target.evolve, target.initial(), as_of
    )
    state = state_json(folded.state)
    if isinstance(folded.state, SkuState):
        for warehouse, balance in folded.state.balances.items():
            state["balances"][str(warehouse)]["available"] = balance.available
    return {
        "kind": kind.value,
        "stream_id": stream_id,
        "as_of": as_of.isoformat(),
        "version": folded.version,
        "last_recorded_at": folded.recorded_at.isoformat() if folded.recorded_at else None,
        "state": state,
    }
