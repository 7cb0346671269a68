"""Who may act on an order: buyers on their own, suppliers on theirs, operations on any."""

from __future__ import annotations

from uuid import UUID

from shared.events.values import Party
from shared.service.api import Actor
from shared.service.errors import Problem

from ..domain.state import OrderState, Phase

_PARTIES = {"buyer": Party.BUYER, "supplier": Party.SUPPLIER, "operations": Party.OPERATIONS}


def party_of(actor: Actor) -> Party:
    """The party an actor speaks for on an order (its route admitted only these roles)."""
    return _PARTIES[actor.role]


def check_sees(actor: Actor, state: OrderState, order_id: UUID) -> None:
    """404 for an unknown order and for an order the actor is no party to."""
    own = {"buyer": state.buyer_id, "supplier": state.supplier_id}.get(actor.role)
    hidden = actor.role in ("buyer", "supplier") and str(own) != actor.party
    if state.phase is Phase.NEW or hidden:
        raise Problem(404, "Order not found", f"no order {order_id}", field="order_id")
