"""Function-level access: which roles may call which route (deny by default), which routes a
signed partner webhook may call, and which are rate limited.

Each route declares its rule where it is defined (``openapi_extra=allow(...)``, or through the
command edge); the OpenAPI document shows it as ``x-access``. There is no second table to keep
in step: a route without a declaration is refused for everyone, and tests/security fails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PUBLIC = "public"
"""A pseudo-role: the route needs no credential (login, health)."""

ACCESS = "x-access"
"""The OpenAPI extension (on each operation) that carries its rule."""

BUYER, SUPPLIER, WAREHOUSE, CARRIER = "buyer", "supplier", "warehouse", "carrier"
BANK, OPS, ANALYST = "bank", "operations", "analyst"
EVERYONE = (BUYER, SUPPLIER, WAREHOUSE, CARRIER, BANK, OPS, ANALYST)
TRADERS = (BUYER, SUPPLIER, OPS, ANALYST)
"""Roles that see the catalog and orders (each only its own part of them)."""
PARTNERS = (BUYER, SUPPLIER, WAREHOUSE, CARRIER, OPS)
"""Roles that keep webhook subscriptions."""


@dataclass(frozen=True)
class Rule:
    """Who may call a route; ``webhook``: a signed partner webhook may; ``rate``: the name of a
    configured limit ("login", "orders")."""

    roles: frozenset[str]
    webhook: bool = False
    rate: str | None = None

    @property
    def public(self) -> bool:
        return PUBLIC in self.roles


def allow(*roles: str, webhook: bool = False, rate: str | None = None) -> dict[str, Any]:
    """A route's rule, as its ``openapi_extra``."""
    declared: dict[str, Any] = {"roles": sorted(roles)}
    if webhook:
        declared["webhook"] = True
    if rate:
        declared["rate"] = rate
    return {ACCESS: declared}


def rule_of(route: Any) -> Rule | None:
    """The rule a route declared (read once, then kept on the route)."""
    kept = route.__dict__
    if "_access_rule" not in kept:
        declared = (getattr(route, "openapi_extra", None) or {}).get(ACCESS)
        kept["_access_rule"] = None if declared is None else _parse(declared)
    found: Rule | None = kept["_access_rule"]
    return found


def _parse(declared: Mapping[str, Any]) -> Rule:
    return Rule(frozenset(declared["roles"]), bool(declared.get("webhook")), declared.get("rate"))


class AccessPolicy:
    """Every declared rule, keyed by ``"METHOD /path/{param}"`` as the OpenAPI document names
    operations: what tests and tools read; requests are checked against their own route."""

    def __init__(self, rules: Mapping[str, Rule]) -> None:
        self.rules = dict(rules)

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> AccessPolicy:
        """The rules of an OpenAPI document's operations."""
        return cls(
            {
                f"{method.upper()} {path}": _parse(operation[ACCESS])
                for path, operations in document.get("paths", {}).items()
                for method, operation in operations.items()
                if isinstance(operation, dict) and ACCESS in operation
            }
        )

    def missing(self, routes: Iterable[str]) -> list[str]:
        """Routes (``"METHOD /path"``) that have no rule: the matrix test fails on them."""
        return sorted(set(routes) - set(self.rules))
