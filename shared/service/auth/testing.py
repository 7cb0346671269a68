"""For tests only: trust an ``X-Actor: role:party`` header (absent = operations) instead of a
credential. Install with ``app.dependency_overrides[current_principal] = header_principal``;
no runtime ever installs it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from shared.service.auth.actor import Actor, Principal
from shared.service.errors import Problem

_ACTOR = re.compile(
    r"^(buyer|supplier|warehouse|carrier|bank|operations|analyst|system):[\w.@:-]{1,100}$"
)


def header_principal(
    x_actor: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_user: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    """``X-User`` names the person (a principal's subject), e.g. one of a buyer's approvers."""
    if x_actor is None:
        return Principal(Actor("operations", "anonymous"), "test", x_user or "")
    if not _ACTOR.match(x_actor):
        raise Problem(422, "Invalid X-Actor header", "use role:party", field="X-Actor")
    return Principal(Actor.parse(x_actor), "test", x_user or "")
