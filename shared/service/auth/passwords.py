"""Password hashing through pwdlib: argon2id for every new hash; the scrypt hashes of earlier
releases still verify and are replaced by argon2id at the user's next successful log-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from pwdlib import PasswordHash
from pwdlib.exceptions import PwdlibError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.base import ensure_bytes, ensure_str

ARGON2 = Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): ~40 ms here, so a log-in stays cheap on a
two-core machine; raise it and older hashes are re-hashed at their next log-in."""


class LegacyScryptHasher:
    """Verifies ``scrypt$N$r$p$<base64 salt+digest>`` (the standard library hash used before)."""

    @classmethod
    def identify(cls, hash: str | bytes) -> bool:
        return ensure_str(hash).startswith("scrypt$")

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        """Only to build old-style hashes in tests and migrations: never used for new users."""
        n, r, p = 2**14, 8, 1
        salt = salt or secrets.token_bytes(16)
        digest = hashlib.scrypt(ensure_bytes(password), salt=salt, n=n, r=r, p=p, dklen=32)
        return f"scrypt${n}${r}${p}${base64.b64encode(salt + digest).decode()}"

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        try:
            _scheme, n, r, p, encoded = ensure_str(hash).split("$")
            raw = base64.b64decode(encoded)
            cost, block, lanes = int(n), int(r), int(p)
        except ValueError:
            return False
        if not (2 <= cost <= 2**20 and 1 <= block <= 32 and 1 <= lanes <= 16) or len(raw) < 32:
            return False
        salt, expected = raw[:16], raw[16:]
        digest = hashlib.scrypt(
            ensure_bytes(password),
            salt=salt,
            n=cost,
            r=block,
            p=lanes,
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
        return hmac.compare_digest(digest, expected)

    def check_needs_rehash(self, hash: str | bytes) -> bool:
        return True


PASSWORDS = PasswordHash((ARGON2, LegacyScryptHasher()))


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def verify_password(password: str, stored: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches, and the hash to store instead when it matched an older
    scheme or weaker parameters (None: keep the stored one). Unknown hashes never match."""
    try:
        return PASSWORDS.verify_and_update(password, stored)
    except PwdlibError:
        return False, None


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
"""Checked against when a user is unknown, so a log-in takes as long either way."""
