"""Who acts and reads for whom: a warehouse (or supplier) only for itself, operations for any."""

from __future__ import annotations

from uuid import UUID

from shared.service.api import Actor
from shared.service.errors import Problem


def acts_for(actor: Actor, role: str, party: UUID) -> None:
    """A warehouse (or supplier) acts only for itself; operations for any."""
    if actor.role == role and actor.party != str(party):
        raise Problem(403, "Not yours", f"a {role} acts only for itself", field=f"{role}_id")


def own(actor: Actor, role: str, requested: UUID | None) -> str | None:
    """The filter an actor may read with: a ``role`` actor only its own id (403 for another's)."""
    if actor.role != role:
        return None if requested is None else str(requested)
    if requested is not None and str(requested) != actor.party:
        raise Problem(403, "Not yours", f"a {role} sees only its own", field=f"{role}_id")
    return actor.party
