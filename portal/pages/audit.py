"""Operations: the security audit trail (log-ins, keys, subscriptions, roles, denied access),
filtered, and exported as the API exports it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from portal.backend import ApiError
from portal.deps import StaffPage

router = APIRouter(prefix="/audit")
EVENT_TYPES = (
    "LoginSucceeded", "LoginFailed", "AccountUnlocked", "UserRoleChanged", "ApiKeyIssued",
    "ApiKeyRevoked", "WebhookSubscribed", "WebhookSubscriptionRefused", "WebhookUnsubscribed",
    "AccessDenied",
)  # fmt: skip
HIDDEN = frozenset({"username", "key_id", "subscription_id", "path"})
"""Fields shown as the entry's subject rather than among its details."""

EventType = Annotated[str, Query(max_length=40)]
Who = Annotated[str, Query(max_length=200)]
Day = Annotated[str, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")]


def _filters(event_type: str, who: str, since: str) -> dict[str, Any]:
    """The API's query for the form's fields (a day means from its start, UTC)."""
    chosen = event_type if event_type in EVENT_TYPES else None
    start = datetime.fromisoformat(since).replace(tzinfo=UTC).isoformat() if since else None
    return {"event_type": chosen, "who": who.strip() or None, "since": start}


def details(data: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in data.items() if k not in HIDDEN and v not in (None, "", False)]


@router.get("", response_class=HTMLResponse)
async def audit(
    page: StaffPage, event_type: EventType = "", who: Who = "", since: Day = ""
) -> HTMLResponse:
    filters = _filters(event_type, who, since)
    entries: list[dict[str, Any]] = []
    error: ApiError | None = None
    try:
        entries = await page.api.get("/api/v1/audit", limit=200, **filters)
    except ApiError as problem:
        error = problem
    query = "&".join(f"{k}={v}" for k, v in (("event_type", event_type), ("who", who),
                                              ("since", since)) if v)  # fmt: skip
    return page.render(
        "audit.html",
        entries=[{**e, "details": details(e["data"])} for e in entries],
        event_types=EVENT_TYPES,
        chosen={"event_type": event_type, "who": who, "since": since},
        export_query=query,
        error=error,
    )


@router.get("/export")
async def export(
    page: StaffPage, event_type: EventType = "", who: Who = "", since: Day = ""
) -> Response:
    """The filtered trail as a CSV download (the API's export, as this user)."""
    sent = {k: v for k, v in _filters(event_type, who, since).items() if v}
    answer = await page.api.client.get(
        "/api/v1/audit/export",
        params={**sent, "format": "csv", "limit": 5000},
        headers=page.user.api_headers(),
    )
    if answer.status_code >= 400:
        raise ApiError.from_response(answer)
    disposition = answer.headers.get("content-disposition", 'attachment; filename="audit.csv"')
    return Response(
        answer.content, media_type="text/csv", headers={"Content-Disposition": disposition}
    )
