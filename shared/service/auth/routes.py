"""Identity routes: log in for a bearer token and who am I; with them, the routes of users and
partner keys, webhook subscriptions and the audit trail (one module each)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, ConfigDict

from shared.service.auth.access import EVERYONE, PUBLIC, allow
from shared.service.auth.account_routes import account_routes
from shared.service.auth.actor import Principal
from shared.service.auth.audit_routes import audit_routes
from shared.service.auth.dependencies import ActorNow, PrincipalDep, SecurityDep
from shared.service.auth.webhook_routes import webhook_routes
from shared.service.errors import Problem


class TokenOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiJ9.…",
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "role": "buyer",
                    "party": "1b3f6f55-3c8e-5d1b-a0d2-2f1b7c9d8e11",
                }
            ]
        }
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    role: str
    party: str


class Me(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "role": "buyer",
                    "party": "1b3f6f55-3c8e-5d1b-a0d2-2f1b7c9d8e11",
                    "via": "token",
                    "subject": "buyer-01",
                }
            ]
        }
    )

    role: str
    party: str
    via: str
    subject: str


def auth_routes() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["identity"])

    @router.post("/auth/token", openapi_extra=allow(PUBLIC, rate="login"))
    async def token(
        request: Request,
        security: SecurityDep,
        username: Annotated[str, Form(min_length=1, max_length=100)],
        password: Annotated[str, Form(min_length=1, max_length=200)],
        grant_type: Annotated[Literal["password"], Form()] = "password",
    ) -> TokenOut:
        """Log in with a username and password (OAuth2 password grant); answer a bearer token.
        Five wrong passwords in a row lock the account for a while (429 with Retry-After)."""
        client = request.client.host if request.client else ""
        attempt = await security.log_in(username, password, "api", client)
        user = attempt.user
        if attempt.locked_until is not None:
            wait = attempt.retry_after(datetime.now(UTC))
            raise Problem(
                429,
                "Account locked",
                f"too many failed log-ins; try again in {wait} s or ask operations to unlock it",
                field="username",
                headers={"Retry-After": str(wait)},
            )
        if user is None:
            raise Problem(
                401,
                "Wrong username or password",
                "check both and try again; ask operations to reset a forgotten password",
                field="password",
                headers={"WWW-Authenticate": 'Bearer realm="b2b"'},
            )
        issued = security.tokens.issue(user.actor, subject=user.username)
        return TokenOut(
            access_token=issued,
            expires_in=int(security.tokens.ttl.total_seconds()),
            role=user.actor.role,
            party=user.actor.party,
        )

    @router.get("/auth/me", openapi_extra=allow(*EVERYONE))
    async def me(principal: PrincipalDep, actor: ActorNow) -> Me:
        """Who the credential you sent says you are."""
        found = principal or Principal(actor, "none")
        return Me(role=actor.role, party=actor.party, via=found.via, subject=found.subject)

    for part in (account_routes(), webhook_routes(), audit_routes()):
        router.include_router(part)
    return router
