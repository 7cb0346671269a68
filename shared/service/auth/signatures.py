"""Standard Webhooks signatures: HMAC-SHA256 over ``msg_id.timestamp.body``, base64, ``v1,``
prefixed; a timestamp outside the tolerance window is refused (https://www.standardwebhooks.com)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    """The webhook's headers, timestamp or signature do not verify; the message says which."""


def new_secret() -> str:
    """A signing secret as the spec writes them: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for a message."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secret: str, msg_id: str, body: bytes, now: datetime | None = None
) -> dict[str, str]:
    """The headers a sender adds: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``."""
    timestamp = int((now or datetime.now(UTC)).timestamp())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> str:
    """The verified message id; raises :class:`InvalidSignature` naming what is wrong."""
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not stamp or not signatures:
        raise InvalidSignature("send webhook-id, webhook-timestamp and webhook-signature headers")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise InvalidSignature("webhook-timestamp must be Unix seconds") from None
    current = int((now or datetime.now(UTC)).timestamp())
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature(
            f"webhook-timestamp is more than {tolerance} s from now; re-sign with the current time"
        )
    try:
        expected = sign(secret, msg_id, timestamp, body).partition(",")[2]
    except ValueError:
        raise InvalidSignature("the signing secret is not valid base64") from None
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return msg_id
    raise InvalidSignature("no webhook-signature matches the body; sign msg_id.timestamp.body")
