"""Who acts for whom: a partner for its own party (an id), operations for anyone."""

from __future__ import annotations

from uuid import UUID

from shared.service.api import Actor
from shared.service.errors import Problem


def party_id(actor: Actor) -> UUID | None:
    """The id of the party the actor acts for; None for operations (acting for anyone).
    Which roles may call a route, the route declares."""
    if actor.role == "operations":
        return None
    try:
        return UUID(actor.party)
    except ValueError:
        raise Problem(403, "Forbidden", "the party must be an id", field="Authorization") from None


def acting_party(actor: Actor) -> UUID:
    """The id of the warehouse, carrier or buyer acting (routes that admit only those)."""
    party = party_id(actor)
    if party is None:
        raise Problem(403, "Forbidden", "operations cannot act as this party", "Authorization")
    return party
