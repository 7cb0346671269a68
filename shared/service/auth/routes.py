"""Identity routes: log in for a bearer token, who am I, partner API keys, webhook subscriptions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from shared.service.auth.actor import BOUND_ROLES, Actor, Principal
from shared.service.auth.dependencies import PrincipalDep, current_actor, security_of
from shared.service.auth.security import Security
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

ActorNow = Annotated[Actor, Depends(current_actor)]
SecurityDep = Annotated[Security, Depends(security_of)]
PartnerRole = Literal["warehouse", "carrier", "bank"]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.@:-]+$")]
EventType = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z]+$")]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    role: str
    party: str


class Me(BaseModel):
    role: str
    party: str
    via: str
    subject: str


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: PartnerRole
    party: Name
    name: Annotated[str, Field(min_length=1, max_length=200)]


class ApiKeyOut(BaseModel):
    key_id: str
    api_key: str = Field(description="shown once: send it as X-API-Key")
    signing_secret: str = Field(description="signs your webhooks (Standard Webhooks), shown once")
    role: str
    party: str


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: HttpUrl
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=50)]


class SubscriptionOut(BaseModel):
    subscription_id: str
    url: str
    event_types: list[str]
    party: str
    secret: str | None = Field(default=None, description="shown once: verify our signatures")


def auth_routes() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["identity"])

    @router.post("/auth/token")
    async def token(
        security: SecurityDep,
        username: Annotated[str, Form(min_length=1, max_length=100)],
        password: Annotated[str, Form(min_length=1, max_length=200)],
        grant_type: Annotated[Literal["password"], Form()] = "password",
    ) -> TokenOut:
        """Log in with a username and password (OAuth2 password grant); answer a bearer token."""
        user = await security.identity.login(username, password)
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

    @router.get("/auth/me")
    async def me(principal: PrincipalDep, actor: ActorNow) -> Me:
        """Who the credential you sent says you are."""
        found = principal or Principal(actor, "none")
        return Me(role=actor.role, party=actor.party, via=found.via, subject=found.subject)

    @router.post("/api-keys", status_code=201)
    async def issue_key(body: StrictJson[ApiKeyIn], security: SecurityDep) -> ApiKeyOut:
        """Operations issue an API key to a warehouse, carrier or bank (stored hashed)."""
        issued = await security.identity.issue_key(Actor(body.role, body.party), body.name)
        return ApiKeyOut(
            key_id=issued.key_id,
            api_key=issued.key,
            signing_secret=issued.signing_secret,
            role=body.role,
            party=body.party,
        )

    @router.delete("/api-keys/{key_id}", status_code=204)
    async def revoke_key(
        key_id: Annotated[str, Path(max_length=40)], security: SecurityDep
    ) -> None:
        """Revoke a partner's key at once; its webhooks stop verifying too."""
        if not await security.identity.revoke_key(key_id):
            raise Problem(404, "Unknown API key", f"no active key {key_id}", field="key_id")

    @router.post("/webhooks/subscriptions", status_code=201)
    async def subscribe(
        body: StrictJson[SubscriptionIn], actor: ActorNow, security: SecurityDep
    ) -> SubscriptionOut:
        """Subscribe a URL to event types that name your company, warehouse or carrier."""
        if actor.role not in BOUND_ROLES:
            raise Problem(
                422, "Not a partner", "only a bound party receives its events", field="url"
            )
        found = await security.outbox.subscribe(actor, str(body.url), tuple(body.event_types))
        return SubscriptionOut(**found.public(), secret=found.secret)

    @router.get("/webhooks/subscriptions")
    async def list_subscriptions(actor: ActorNow, security: SecurityDep) -> list[SubscriptionOut]:
        """Your subscriptions (operations: everyone's)."""
        mine = None if actor.role == "operations" else actor
        return [SubscriptionOut(**s.public()) for s in await security.outbox.subscriptions(mine)]

    @router.delete("/webhooks/subscriptions/{subscription_id}", status_code=204)
    async def unsubscribe(
        subscription_id: Annotated[str, Path(max_length=36)],
        actor: ActorNow,
        security: SecurityDep,
    ) -> None:
        """Stop deliveries to a subscription of yours."""
        mine = None if actor.role == "operations" else actor
        if not await security.outbox.unsubscribe(subscription_id, mine):
            raise Problem(
                404, "Unknown subscription", f"no subscription {subscription_id}", field="id"
            )

    return router
