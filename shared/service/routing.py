"""Route matching that tries only the routes a path could match.

Starlette's router tries every route's regular expression in turn: with every service's routes
and the portal's in one app, finding a route cost more than many handlers. A route whose path
begins with literal text can only match paths that begin with it, so the routes worth trying
depend on the first segments of the path alone; those candidates, in the app's order, are
kept per segment prefix. The outcome is Starlette's: the first full match wins, else the first
partial one (405), and a path no candidate matches goes to Starlette's own router (redirects
to the slashed path, 404).
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

SEGMENTS = 3
"""How many leading path segments choose the candidates."""
MAX_PREFIXES = 4096
"""Prefixes remembered at most (ids may appear among the leading segments)."""


def _prefix(path: str) -> str:
    """The path cut after its first ``SEGMENTS`` segments."""
    return "/".join(path.split("/", SEGMENTS + 1)[: SEGMENTS + 1])


def _literal(route: BaseRoute) -> str | None:
    """The text every path the route matches begins with; None when that is unknown (mounts,
    hosts: tried for every path)."""
    if not isinstance(route, Route):
        return None
    return route.path.split("{", 1)[0]


class IndexedRouter:
    """The app's router (``Router.app``), trying only the candidate routes for a path."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self._seen: tuple[int, int] = (0, -1)
        self._literals: list[tuple[BaseRoute, str | None]] = []
        self._candidates: dict[str, list[BaseRoute]] = {}

    def candidates(self, path: str) -> list[BaseRoute]:
        routes = self.router.routes
        if self._seen != (id(routes), len(routes)):  # routes are added when the app starts
            self._seen = (id(routes), len(routes))
            self._literals = [(route, _literal(route)) for route in routes]
            self._candidates.clear()
        prefix = _prefix(path)
        found = self._candidates.get(prefix)
        if found is None:
            found = [
                route
                for route, literal in self._literals
                if literal is None or prefix.startswith(literal) or literal.startswith(prefix)
            ]
            if len(self._candidates) >= MAX_PREFIXES:
                self._candidates.clear()
            self._candidates[prefix] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router.app(scope, receive, send)
            return
        scope.setdefault("router", self.router)
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await self.router.app(scope, receive, send)  # no route matches: Starlette's fallbacks


def index_routes(router: Router) -> None:
    """Route ``router``'s requests through an :class:`IndexedRouter`."""
    if router.middleware_stack == router.app:  # no router middleware: replace the loop itself
        router.middleware_stack = IndexedRouter(router)
