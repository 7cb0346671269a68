"""FastAPI dependencies: ``current_principal`` (who, cached per request) and ``authorize``
(may this role call this route; rate limits). Tests may override ``current_principal``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.service.auth.access import rule_of
from shared.service.auth.actor import Actor, Principal
from shared.service.auth.authenticate import authenticate, unauthorized
from shared.service.auth.security import Security
from shared.service.errors import Problem


def security_of(request: Request) -> Security:
    security: Security | None = getattr(request.app.state, "security", None)
    if security is None:
        raise Problem(503, "Authentication unavailable", "the app was built without security")
    return security


async def security_dependency(request: Request) -> Security:
    """``security_of`` as a dependency (async: a sync one would run in a worker thread)."""
    return security_of(request)


API_PREFIX = "/api/"
"""Only API routes are authorised here; portal pages use ``portal.auth.portal_user``."""


async def current_principal(request: Request) -> Principal | None:
    """The authenticated principal of an API request, or None when it sent no credential."""
    if not request.url.path.startswith(API_PREFIX):
        return None
    principal = await authenticate(security_of(request), request)
    request.state.principal = principal  # the audit of a denied request names who it was
    return principal


PrincipalDep = Annotated[Principal | None, Depends(current_principal)]
SecurityDep = Annotated[Security, Depends(security_dependency)]


async def current_actor(principal: PrincipalDep) -> Actor:
    if principal is None:
        raise unauthorized("log in: POST /api/v1/auth/token, then send Authorization: Bearer")
    return principal.actor


ActorNow = Annotated[Actor, Depends(current_actor)]


async def authorize(request: Request, principal: PrincipalDep) -> None:
    """Deny by default: the route's rule must admit the principal's role (and credential)."""
    if not request.url.path.startswith(API_PREFIX):
        return
    security = security_of(request)
    route = request.scope.get("route")
    rule = None if route is None else rule_of(route)
    if rule is None:
        raise Problem(403, "No access rule", "this route declares no access rule; declare one")
    if not rule.public:
        if principal is None:
            raise unauthorized(
                "log in: POST /api/v1/auth/token, then send Authorization: Bearer <token>"
            )
        if principal.actor.role not in rule.roles:
            allowed = ", ".join(sorted(rule.roles))
            raise Problem(403, "Not allowed", f"only {allowed} may do this", field="Authorization")
        if principal.via == "webhook" and not rule.webhook:
            raise Problem(
                403, "Not allowed", "signed webhooks may only report shipments and receipts"
            )
    if rule.rate:
        limit = security.rates[rule.rate]
        who = str(principal.actor) if principal else (request.client or ("?", 0))[0]
        template = getattr(route, "path_format", request.url.path)
        wait = security.limiter.hit(limit, f"{request.method} {template}", who)
        if wait is not None:
            raise Problem(
                429,
                "Too many requests",
                f"at most {limit}; retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )
