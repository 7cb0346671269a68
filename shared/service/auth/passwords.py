"""Password hashing with scrypt (standard library): salted, memory-hard, constant-time check."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encoded = base64.b64encode(salt + digest).decode()
    return f"scrypt${_N}${_R}${_P}${encoded}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, encoded = stored.split("$")
        raw = base64.b64decode(encoded)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt, expected = raw[:16], raw[16:]
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(digest, expected)


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
"""Checked against when a user is unknown, so a login takes as long either way."""
