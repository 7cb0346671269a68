"""The security audit trail over HTTP (operations): filtered, newest first, or as a file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from shared.service.auth.access import OPS, allow
from shared.service.auth.audit import AuditQuery, as_csv, as_json_lines
from shared.service.auth.dependencies import SecurityDep
from shared.service.errors import Problem

AuditType = Literal[
    "LoginSucceeded", "LoginFailed", "AccountUnlocked", "UserRoleChanged", "ApiKeyIssued",
    "ApiKeyRevoked", "WebhookSubscribed", "WebhookSubscriptionRefused", "WebhookUnsubscribed",
    "AccessDenied",
]  # fmt: skip


class AuditEntry(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "position": 12,
                    "at": "2026-12-07T03:10:00Z",
                    "event_type": "LoginSucceeded",
                    "actor": "buyer:1b3f6f55-3c8e-5d1b-a0d2-2f1b7c9d8e11",
                    "subject": "buyer-01",
                    "data": {"channel": "api"},
                }
            ]
        }
    )

    position: int
    at: datetime
    event_type: str
    actor: str = Field(description="role:party who acted (empty: not authenticated)")
    subject: str = Field(description="the user, key, subscription or path it is about")
    data: dict[str, object]


async def audit_query(
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


def audit_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/audit", openapi_extra=allow(OPS), tags=["operations"])
    async def audit(query: AuditQueryDep, security: SecurityDep) -> list[AuditEntry]:
        """The security audit trail, newest first: log-ins, keys, subscriptions, roles and
        denied requests (operations; ``who`` matches a user, party, key or actor)."""
        return [AuditEntry(**entry) for entry in await security.audit.search(query)]

    @router.get(
        "/audit/export",
        openapi_extra=allow(OPS),
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
