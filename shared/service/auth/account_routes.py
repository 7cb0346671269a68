"""Users and roles (operations), and partners' API keys: issued once, listed without secrets,
revoked; every change goes on the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from shared.events import AccountUnlocked, ApiKeyIssued, ApiKeyRevoked, UserRoleChanged
from shared.service.auth.access import OPS, allow
from shared.service.auth.actor import Actor
from shared.service.auth.dependencies import ActorNow, SecurityDep
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

PartnerRole = Literal["warehouse", "carrier", "bank"]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.@:-]+$")]
Role = Literal["buyer", "supplier", "warehouse", "carrier", "bank", "operations", "analyst"]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    party: Name
    password: Annotated[str | None, Field(min_length=12, max_length=200)] = Field(
        default=None, description="required for a new user; omit to keep the current one"
    )


class UserOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "buyer-01",
                    "role": "buyer",
                    "party": "1b3f6f55-3c8e-5d1b-a0d2-2f1b7c9d8e11",
                    "active": True,
                    "created_at": "2026-12-01T08:00:00Z",
                    "locked_until": None,
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "k_7Hq2",
                    "api_key": "b2bk_k_7Hq2_…",
                    "signing_secret": "whsec_…",
                    "role": "warehouse",
                    "party": "9d1c0f0e-5d2a-5d1e-9a3b-3e0f4c2b1a77",
                    "expires_at": None,
                }
            ]
        }
    )

    key_id: str
    api_key: str = Field(description="shown once: send it as X-API-Key")
    signing_secret: str = Field(description="signs your webhooks (Standard Webhooks), shown once")
    role: str
    party: str
    expires_at: datetime | None


class ApiKeyInfo(BaseModel):
    """A key's public facts: never the key or its signing secret."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "k_7Hq2",
                    "role": "warehouse",
                    "party": "9d1c0f0e-5d2a-5d1e-9a3b-3e0f4c2b1a77",
                    "name": "Keelung DC scanner",
                    "created_at": "2026-12-01T08:00:00Z",
                    "expires_at": None,
                    "last_used_at": "2026-12-07T03:10:00Z",
                    "revoked_at": None,
                }
            ]
        }
    )

    key_id: str
    role: str
    party: str
    name: str
    created_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="to the minute")
    revoked_at: datetime | None


def account_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/users", openapi_extra=allow(OPS))
    async def list_users(security: SecurityDep) -> list[UserOut]:
        """Every log-in with its role, party and any lock-out (operations)."""
        return [UserOut(**row) for row in await security.identity.list_users()]

    @router.put("/users/{username}", openapi_extra=allow(OPS))
    async def put_user(
        username: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")],
        body: StrictJson[UserIn],
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

    @router.delete("/users/{username}/lockout", openapi_extra=allow(OPS), status_code=204)
    async def unlock_user(
        username: Annotated[str, Path(max_length=100)], actor: ActorNow, security: SecurityDep
    ) -> None:
        """Lift a log-in lock-out before it runs out (operations)."""
        if not await security.identity.unlock(username):
            raise Problem(404, "Not locked", f"{username} is not locked out", field="username")
        await security.audit.record(AccountUnlocked(username=username), actor=str(actor))

    @router.get("/api-keys", openapi_extra=allow(OPS))
    async def list_keys(security: SecurityDep) -> list[ApiKeyInfo]:
        """Every partner key: when it was issued, last used, expires or was revoked."""
        return [ApiKeyInfo(**row) for row in await security.identity.list_keys()]

    @router.post("/api-keys", openapi_extra=allow(OPS), status_code=201)
    async def issue_key(
        body: StrictJson[ApiKeyIn], actor: ActorNow, security: SecurityDep
    ) -> ApiKeyOut:
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

    @router.delete("/api-keys/{key_id}", openapi_extra=allow(OPS), status_code=204)
    async def revoke_key(
        key_id: Annotated[str, Path(max_length=40)], actor: ActorNow, security: SecurityDep
    ) -> None:
        """Revoke a partner's key at once; its webhooks stop verifying too."""
        if not await security.identity.revoke_key(key_id):
            raise Problem(404, "Unknown API key", f"no active key {key_id}", field="key_id")
        await security.audit.record(ApiKeyRevoked(key_id=key_id), actor=str(actor))

    return router
