"""The acting party of a request: a role and the company, warehouse or carrier it acts for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Via = Literal["bearer", "api_key", "webhook", "session", "test", "none"]

ROLES = ("buyer", "supplier", "warehouse", "carrier", "bank", "operations", "analyst")
"""Roles a credential can carry; ``system`` is reserved for the platform's own reactions."""

BOUND_ROLES = frozenset({"buyer", "supplier", "warehouse", "carrier"})
"""Roles whose party is an id the services check ownership against."""


@dataclass(frozen=True)
class Actor:
    """Who sends a request: a role and the party it acts for (``buyer:<company id>``)."""

    role: str
    party: str

    def __str__(self) -> str:
        return f"{self.role}:{self.party}"

    @classmethod
    def parse(cls, text: str) -> Actor:
        role, _, party = text.partition(":")
        return cls(role, party)


@dataclass(frozen=True)
class Principal:
    """An authenticated actor and the kind of credential that proved it; a signed webhook
    carries its verified ``webhook-id`` as ``message_id``."""

    actor: Actor
    via: Via
    subject: str = ""
    message_id: str = ""
