"""Function-level access: which roles may call which route (deny by default), which routes a
signed partner webhook may call, and which are rate limited."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PUBLIC = "public"
"""A pseudo-role: the route needs no credential (login, health)."""


@dataclass(frozen=True)
class Rule:
    """Who may call a route; ``webhook``: a signed partner webhook may; ``rate``: "5/minute"."""

    roles: frozenset[str]
    webhook: bool = False
    rate: str | None = None

    @property
    def public(self) -> bool:
        return PUBLIC in self.roles


def rule(*roles: str, webhook: bool = False, rate: str | None = None) -> Rule:
    return Rule(frozenset(roles), webhook, rate)


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{body}$")


@dataclass(frozen=True)
class _Entry:
    key: str
    method: str
    pattern: re.Pattern[str]
    literal_segments: int
    rule: Rule


class AccessPolicy:
    """Rules keyed by ``"METHOD /path/{param}"`` as the OpenAPI document names routes."""

    def __init__(self, rules: Mapping[str, Rule]) -> None:
        self.rules = dict(rules)
        entries = []
        for key, found in rules.items():
            method, _, path = key.partition(" ")
            literal = sum(1 for s in path.split("/") if s and not s.startswith("{"))
            entries.append(_Entry(key, method.upper(), _pattern(path), literal, found))
        # the most specific template wins: /stock/alerts before /stock/{sku}
        self._entries = sorted(entries, key=lambda e: -e.literal_segments)

    def match(self, method: str, path: str, template: str | None = None) -> tuple[str, Rule] | None:
        """The rule of a request; ``template`` (the matched route's path, when known) finds it
        without trying every pattern."""
        if template is not None:
            key = f"{method.upper()} {template}"
            found = self.rules.get(key)
            if found is not None:
                return key, found
        for entry in self._entries:
            if entry.method == method.upper() and entry.pattern.match(path):
                return entry.key, entry.rule
        return None

    def missing(self, routes: Iterable[str]) -> list[str]:
        """Routes (``"METHOD /path"``) that have no rule: the matrix test fails on them."""
        return sorted(set(routes) - set(self.rules))
