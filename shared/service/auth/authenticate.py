"""Turn a request's credential into a principal: bearer JWT, partner API key, signed partner
webhook, or portal session cookie (with its CSRF token on every unsafe method)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from shared.service.auth.actor import Principal
from shared.service.auth.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, Security
from shared.service.auth.signatures import InvalidSignature, verify
from shared.service.auth.tokens import InvalidToken
from shared.service.errors import Problem

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WEBHOOK_KEY_HEADER = "webhook-key-id"


def unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        "Not authenticated",
        detail,
        field="Authorization",
        headers={"WWW-Authenticate": 'Bearer realm="b2b"'},
    )


async def authenticate(security: Security, request: Request) -> Principal | None:
    """The request's principal; None without any credential; 401 for a bad one."""
    headers = request.headers
    authorization = headers.get("authorization")
    if authorization is not None:
        return _bearer(security, authorization)
    key = headers.get("x-api-key")
    if key is not None:
        partner = await security.identity.authenticate_key(key)
        if partner is None:
            raise unauthorized(
                "the X-API-Key is unknown, revoked or expired; ask operations for a new one"
            )
        await security.identity.touch_key(partner.key_id)
        return Principal(partner.actor, "api_key", partner.key_id)
    if "webhook-signature" in headers:
        return await _webhook(security, request)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        return await _session(security, request, session_id)
    return None


def _bearer(security: Security, authorization: str) -> Principal:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("send Authorization: Bearer <token> from POST /api/v1/auth/token")
    try:
        actor, subject = security.tokens.verify(token.strip())
    except InvalidToken as error:
        raise unauthorized(str(error)) from None
    return Principal(actor, "bearer", subject)


async def _webhook(security: Security, request: Request) -> Principal:
    key_id = request.headers.get(WEBHOOK_KEY_HEADER, "")
    partner = await security.identity.partner(key_id) if key_id else None
    if partner is None:
        raise unauthorized(
            f"name a valid (not revoked or expired) API key id in the {WEBHOOK_KEY_HEADER} header"
        )
    body = await request.body()
    try:
        msg_id = verify(partner.signing_secret, request.headers, body)
    except InvalidSignature as error:
        raise unauthorized(str(error)) from None
    route = f"{request.method} {request.url.path}"
    if not await security.replay.admit(partner.key_id, msg_id, route):
        raise Problem(
            409,
            "Webhook replayed",
            f"message {msg_id} was delivered to another endpoint; send each new message "
            "with a new webhook-id (a retry of the same message is answered as before)",
            field="webhook-id",
        )
    await security.identity.touch_key(partner.key_id)
    return Principal(partner.actor, "webhook", partner.key_id, message_id=msg_id)


async def _session(security: Security, request: Request, session_id: str) -> Principal | None:
    session = await security.identity.session(session_id)
    if session is None:
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and "form" in request.headers.get("content-type", ""):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not sent or not hmac.compare_digest(sent, session.csrf_token):
            raise Problem(
                403,
                "CSRF token missing or wrong",
                f"send the page's CSRF token in the {CSRF_HEADER} header or {CSRF_FIELD} field",
                field=CSRF_HEADER,
            )
    return Principal(session.actor, "session", session.username)
