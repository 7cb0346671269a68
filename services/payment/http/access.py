"""Object-level checks of payment's routes: a buyer or supplier acts and sees only for itself,
operations for everyone (the roles of a route are declared on it)."""

from __future__ import annotations

from uuid import UUID

from shared.service.api import Actor
from shared.service.errors import Problem


def require_own(actor: Actor, **parties: UUID | None) -> None:
    """Refuse (403) a buyer or supplier acting for another party than its own."""
    own = parties.get(actor.role)
    if actor.role in ("buyer", "supplier") and own is not None and str(own) != actor.party:
        raise Problem(
            403, "Forbidden", f"this belongs to another {actor.role}", field="Authorization"
        )


def scope(actor: Actor, buyer_id: UUID | None, supplier_id: UUID | None) -> dict[str, str | None]:
    """Query filters narrowed to what the actor may see."""
    buyer = str(buyer_id) if buyer_id else None
    supplier = str(supplier_id) if supplier_id else None
    if actor.role == "buyer":
        buyer = actor.party
    elif actor.role == "supplier":
        supplier = actor.party
    return {"buyer_id": buyer, "supplier_id": supplier}
