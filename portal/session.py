"""Who is using the portal: the one interface every page depends on (``CurrentUser``).

Log-in, the session cookie and CSRF belong to ``portal.auth``; this module adapts its user into
a ``PortalUser`` that knows how to present itself (or a party it may act for) to the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from portal.auth import SessionUser, portal_user, require_csrf
from shared.service.auth.actor import Actor

DELEGATED_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class PortalUser:
    """A person in the portal: role, company (party), log-in name, and this session's CSRF token."""

    role: str
    party: str
    name: str = ""
    csrf_token: str = ""
    headers: Callable[[], dict[str, str]] = field(default=dict, repr=False, compare=False)
    mint: Callable[[Actor], dict[str, str]] | None = field(default=None, repr=False, compare=False)

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.party}"

    @property
    def label(self) -> str:
        return self.name or self.party

    def api_headers(self) -> dict[str, str]:
        """How the API learns who acts: a short-lived bearer token for this user."""
        return self.headers()

    def acting_for(self, role: str, party: str) -> PortalUser:
        """The same person acting for a party they run (a supplier for its own warehouse).
        The caller checks that the user may; the API still checks the party on every object."""
        if self.mint is None:
            raise PermissionError("this session cannot act for another party")
        mint = self.mint
        return PortalUser(role, party, self.name, self.csrf_token, lambda: mint(Actor(role, party)))


def from_session(user: SessionUser) -> PortalUser:
    def mint(actor: Actor) -> dict[str, str]:
        token = user.security.tokens.issue(
            actor, subject=f"portal:{user.username}", ttl=DELEGATED_TTL
        )
        return {"Authorization": f"Bearer {token}"}

    return PortalUser(
        role=user.role,
        party=user.party,
        name=user.username,
        csrf_token=user.csrf_token,
        headers=user.api_headers,
        mint=mint,
    )


async def current_user(user: Annotated[SessionUser, Depends(portal_user)]) -> PortalUser:
    """The logged-in user; ``portal.auth`` redirects to /login when nobody is."""
    return from_session(user)


def csrf_token(request: Request, user: PortalUser | None) -> str:
    """The token every form carries (the session's)."""
    return user.csrf_token if user else ""


CurrentUser = Annotated[PortalUser, Depends(current_user)]
CsrfChecked = Depends(require_csrf)
