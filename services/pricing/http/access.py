"""Object-level checks of pricing's routes: who may act for a supplier, whose prices one sees
(the roles of a route are declared on it)."""

from uuid import UUID

from shared.service.api import Actor
from shared.service.errors import Problem

STAFF = frozenset({"operations", "system"})


def require_supplier(actor: Actor, supplier_id: UUID) -> None:
    """Only the supplier itself (or operations) manages its catalog and terms."""
    if actor.role in STAFF or (actor.role == "supplier" and actor.party == str(supplier_id)):
        return
    raise Problem(
        403,
        "Not your catalog",
        f"{actor} cannot act for supplier {supplier_id}",
        field="Authorization",
    )


def sees_supplier_terms(actor: Actor, supplier_id: UUID | None) -> bool:
    if actor.role in STAFF:
        return True
    return actor.role == "supplier" and (supplier_id is None or actor.party == str(supplier_id))


def own_supplier(actor: Actor, supplier_id: UUID | None) -> UUID | None:
    """A supplier looking at a buyer's prices sees only its own products' prices."""
    if actor.role != "supplier":
        return supplier_id
    if supplier_id is not None and str(supplier_id) != actor.party:
        raise Problem(403, "Not your prices", "a supplier sees only its own", field="supplier_id")
    return UUID(actor.party) if _is_uuid(actor.party) else supplier_id


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def visible_buyer(actor: Actor, buyer_id: UUID | None) -> UUID | None:
    """A buyer sees only its own prices: its id defaults to the actor's and may not differ."""
    if actor.role != "buyer":
        return buyer_id
    if buyer_id is not None and str(buyer_id) != actor.party:
        raise Problem(403, "Not your prices", "a buyer sees only its own prices", field="buyer_id")
    try:
        return UUID(actor.party)
    except ValueError:
        raise Problem(
            422, "Invalid credential", "a buyer acts as buyer:<uuid>", field="Authorization"
        ) from None
