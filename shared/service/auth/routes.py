"""Identity routes: log in for a bearer token, who am I, users and roles, partner API keys,
webhook subscriptions and their deliveries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from shared.events import (
    AccountUnlocked,
    ApiKeyIssued,
    ApiKeyRevoked,
    UserRoleChanged,
    WebhookSubscribed,
    WebhookSubscriptionRefused,
    WebhookUnsubscribed,
)
from shared.service.auth.actor import BOUND_ROLES, Actor, Principal
from shared.service.auth.audit import AuditQuery, as_csv, as_json_lines
from shared.service.auth.dependencies import PrincipalDep, current_actor, security_of
from shared.service.auth.destinations import DestinationRefused
from shared.service.auth.outbox import DeliveryStatus
from shared.service.auth.security import Security
from shared.service.errors import Problem

ActorNow = Annotated[Actor, Depends(current_actor)]
SecurityDep = Annotated[Security, Depends(security_of)]
PartnerRole = Literal["warehouse", "carrier", "bank"]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.@:-]+$")]
Role = Literal["buyer", "supplier", "warehouse", "carrier", "bank", "operations", "analyst"]
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


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    party: Name
    password: Annotated[str | None, Field(min_length=12, max_length=200)] = Field(
        default=None, description="required for a new user; omit to keep the current one"
    )


class UserOut(BaseModel):
    username: str
    role: str
    party: str
    active: bool
    created_at: datetime | None
    locked_until: datetime | None = Field(description="log-ins refused until then")


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: PartnerRole
    party: Name
    name: Annotated[str, Field(min_length=1, max_length=200)]
    expires_in_days: Annotated[int, Field(ge=1, le=730)] = Field(
        default=365, description="the key stops working after this many days"
    )


class ApiKeyOut(BaseModel):
    key_id: str
    api_key: str = Field(description="shown once: send it as X-API-Key")
    signing_secret: str = Field(description="signs your webhooks (Standard Webhooks), shown once")
    role: str
    party: str
    expires_at: datetime | None


class ApiKeyInfo(BaseModel):
    """A key's public facts: never the key or its signing secret."""

    key_id: str
    role: str
    party: str
    name: str
    created_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="to the minute")
    revoked_at: datetime | None


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


class DeliveryOut(BaseModel):
    msg_id: str
    subscription_id: str
    event_type: str
    status: DeliveryStatus = Field(description="pending, delivered, retrying or failed")
    attempts: int
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    error: str | None = Field(
        default=None, description="operations only: why the last attempt failed"
    )


AuditType = Literal[
    "LoginSucceeded", "LoginFailed", "AccountUnlocked", "UserRoleChanged", "ApiKeyIssued",
    "ApiKeyRevoked", "WebhookSubscribed", "WebhookSubscriptionRefused", "WebhookUnsubscribed",
    "AccessDenied",
]  # fmt: skip


class AuditEntry(BaseModel):
    position: int
    at: datetime
    event_type: str
    actor: str = Field(description="role:party who acted (empty: not authenticated)")
    subject: str = Field(description="the user, key, subscription or path it is about")
    data: dict[str, object]


def audit_query(
    event_type: Annotated[list[AuditType] | None, Query(max_length=10)] = None,
    who: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> AuditQuery:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Problem(422, "Time without offset", "add Z or +hh:mm", field=name)
    return AuditQuery(frozenset(event_type or ()), who, since, until, limit)


AuditQueryDep = Annotated[AuditQuery, Depends(audit_query)]


def auth_routes() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["identity"])

    @router.post("/auth/token")
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

    @router.get("/auth/me")
    async def me(principal: PrincipalDep, actor: ActorNow) -> Me:
        """Who the credential you sent says you are."""
        found = principal or Principal(actor, "none")
        return Me(role=actor.role, party=actor.party, via=found.via, subject=found.subject)

    @router.get("/users")
    async def list_users(security: SecurityDep) -> list[UserOut]:
        """Every log-in with its role, party and any lock-out (operations)."""
        return [UserOut(**row) for row in await security.identity.list_users()]

    @router.put("/users/{username}")
    async def put_user(
        username: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")],
        body: UserIn,
        actor: ActorNow,
        security: SecurityDep,
    ) -> UserOut:
        """Create a log-in, or change its role, party or password (operations)."""
        try:
            change = await security.identity.change_user(
                username, Actor(body.role, body.party), body.password
            )
        except ValueError:
            raise Problem(
                422, "Password required", "a new user needs a password", field="password"
            ) from None
        previous = change.previous
        await security.audit.record(
            UserRoleChanged(
                username=username,
                role=body.role,
                party=body.party,
                previous_role=previous.role if previous else None,
                previous_party=previous.party if previous else None,
                password_set=body.password is not None,
            ),
            actor=str(actor),
        )
        [row] = [u for u in await security.identity.list_users() if u["username"] == username]
        return UserOut(**row)

    @router.delete("/users/{username}/lockout", status_code=204)
    async def unlock_user(
        username: Annotated[str, Path(max_length=100)], actor: ActorNow, security: SecurityDep
    ) -> None:
        """Lift a log-in lock-out before it runs out (operations)."""
        if not await security.identity.unlock(username):
            raise Problem(404, "Not locked", f"{username} is not locked out", field="username")
        await security.audit.record(AccountUnlocked(username=username), actor=str(actor))

    @router.get("/api-keys")
    async def list_keys(security: SecurityDep) -> list[ApiKeyInfo]:
        """Every partner key: when it was issued, last used, expires or was revoked."""
        return [ApiKeyInfo(**row) for row in await security.identity.list_keys()]

    @router.post("/api-keys", status_code=201)
    async def issue_key(body: ApiKeyIn, actor: ActorNow, security: SecurityDep) -> ApiKeyOut:
        """Operations issue an API key to a warehouse, carrier or bank (shown once, stored
        hashed, expiring after ``expires_in_days``)."""
        expires = datetime.now(UTC) + timedelta(days=body.expires_in_days)
        issued = await security.identity.issue_key(
            Actor(body.role, body.party), body.name, expires_at=expires
        )
        await security.audit.record(
            ApiKeyIssued(
                key_id=issued.key_id,
                role=body.role,
                party=body.party,
                name=body.name,
                expires_at=expires,
            ),
            actor=str(actor),
        )
        return ApiKeyOut(
            key_id=issued.key_id,
            api_key=issued.key,
            signing_secret=issued.signing_secret,
            role=body.role,
            party=body.party,
            expires_at=expires,
        )

    @router.delete("/api-keys/{key_id}", status_code=204)
    async def revoke_key(
        key_id: Annotated[str, Path(max_length=40)], actor: ActorNow, security: SecurityDep
    ) -> None:
        """Revoke a partner's key at once; its webhooks stop verifying too."""
        if not await security.identity.revoke_key(key_id):
            raise Problem(404, "Unknown API key", f"no active key {key_id}", field="key_id")
        await security.audit.record(ApiKeyRevoked(key_id=key_id), actor=str(actor))

    @router.post("/webhooks/subscriptions", status_code=201)
    async def subscribe(
        body: SubscriptionIn, actor: ActorNow, security: SecurityDep
    ) -> SubscriptionOut:
        """Subscribe a URL to event types that name your company, warehouse or carrier."""
        if actor.role not in BOUND_ROLES:
            raise Problem(
                422, "Not a partner", "only a bound party receives its events", field="url"
            )
        try:
            found = await security.outbox.subscribe(actor, str(body.url), tuple(body.event_types))
        except DestinationRefused as refused:
            await security.audit.record(
                WebhookSubscriptionRefused(
                    role=actor.role, party=actor.party, url=str(body.url), reason=refused.reason
                ),
                actor=str(actor),
            )
            raise Problem(
                422,
                "Webhook destination refused",
                f"{refused.reason}; webhooks go only to public https addresses",
                field="url",
            ) from None
        await security.audit.record(
            WebhookSubscribed(
                subscription_id=found.subscription_id,
                role=actor.role,
                party=actor.party,
                url=found.url,
                event_types=found.event_types,
            ),
            actor=str(actor),
        )
        return SubscriptionOut(**found.public(), secret=found.secret)

    @router.get("/webhooks/subscriptions")
    async def list_subscriptions(actor: ActorNow, security: SecurityDep) -> list[SubscriptionOut]:
        """Your subscriptions (operations: everyone's)."""
        mine = None if actor.role == "operations" else actor
        return [SubscriptionOut(**s.public()) for s in await security.outbox.subscriptions(mine)]

    @router.get("/webhooks/deliveries")
    async def deliveries(
        actor: ActorNow,
        security: SecurityDep,
        subscription_id: Annotated[str | None, Query(max_length=36)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[DeliveryOut]:
        """Your recent deliveries, newest first, and whether each arrived (operations: everyone's,
        with the error of the last attempt)."""
        mine = None if actor.role == "operations" else actor
        found = await security.outbox.deliveries(mine, subscription_id, limit)
        return [DeliveryOut(**row) for row in found]

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
        await security.audit.record(
            WebhookUnsubscribed(subscription_id=subscription_id), actor=str(actor)
        )

    @router.get("/audit", tags=["operations"])
    async def audit(query: AuditQueryDep, security: SecurityDep) -> list[AuditEntry]:
        """The security audit trail, newest first: log-ins, keys, subscriptions, roles and
        denied requests (operations; ``who`` matches a user, party, key or actor)."""
        return [AuditEntry(**entry) for entry in await security.audit.search(query)]

    @router.get(
        "/audit/export",
        tags=["operations"],
        response_class=Response,
        responses={
            200: {
                "description": "the events as a file",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def audit_export(
        query: AuditQueryDep,
        security: SecurityDep,
        format: Annotated[Literal["csv", "jsonl"], Query()] = "csv",
    ) -> Response:
        """The same events as a file, oldest first: CSV (``data`` as JSON) or JSON lines."""
        entries = await security.audit.search(query)
        text, media = (
            (as_csv(entries), "text/csv")
            if format == "csv"
            else (as_json_lines(entries), "application/x-ndjson")
        )
        name = f"audit-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.{format}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(text, media_type=media, headers=disposition)

    return router
