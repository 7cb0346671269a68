"""Every request answered 401 or 403 goes on the audit trail as ``AccessDenied``: who (when the
credential was valid), with what kind of credential, what for, and the problem's title.

A plain ASGI middleware, so it sees every refusal wherever it was decided (access policy,
object ownership in a service, the portal's role and CSRF checks) without each place having
to remember. Log-ins are left out: they have their own events."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.events import AccessDenied
from shared.service.auth.actor import Principal

DENIED = frozenset({401, 403})
LOGIN_PATHS = frozenset({"/api/v1/auth/token", "/login"})
_BODY_LIMIT = 4096
_CREDENTIALS = (
    (b"authorization", "bearer"),
    (b"x-api-key", "api_key"),
    (b"webhook-signature", "webhook"),
)


class AuditDenials:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        answer: dict[str, Any] = {"status": 0, "type": b"", "body": b""}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["type"] = dict(message.get("headers", [])).get(b"content-type", b"")
            elif answer["status"] in DENIED and len(answer["body"]) < _BODY_LIMIT:
                answer["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, receive, watch)
        if answer["status"] in DENIED:
            await _record(scope, answer["status"], answer["type"], answer["body"])


async def _record(scope: Scope, status: int, content_type: bytes, body: bytes) -> None:
    security = getattr(scope["app"].state, "security", None)
    if security is None:
        return
    principal = scope.get("state", {}).get("principal")
    actor = principal.actor if isinstance(principal, Principal) else None
    client = scope.get("client")
    event = AccessDenied(
        method=scope["method"],
        path=scope["path"][:2000] or "/",
        status=status,
        reason=_reason(status, content_type, body),
        role=actor.role if actor else None,
        party=actor.party[:200] if actor else None,
        credential=principal.via if isinstance(principal, Principal) else _credential(scope),
        client=client[0][:100] if client else "",
    )
    await security.audit.record(event, actor=str(actor) if actor else None)


def _reason(status: int, content_type: bytes, body: bytes) -> str:
    if b"json" in content_type:
        try:
            problem = json.loads(body)
            return f"{problem.get('title', status)}: {problem.get('detail', '')}"[:1000]
        except ValueError:
            pass
    return "not authenticated" if status == 401 else "forbidden"


def _credential(scope: Scope) -> str | None:
    headers = dict(scope.get("headers", []))
    for name, kind in _CREDENTIALS:
        if name in headers:
            return kind
    cookies = headers.get(b"cookie", b"")
    return "session" if b"b2b_session=" in cookies else None
