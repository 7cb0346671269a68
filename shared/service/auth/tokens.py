"""Bearer tokens: short-lived JWTs (HS256) carrying the actor; verified on every API call."""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt

from shared.service.auth.actor import ROLES, Actor

ISSUER = "b2b-ordering"
AUDIENCE = "b2b-api"


class InvalidToken(Exception):
    """The token is malformed, forged, expired or names no known role."""


@dataclass(frozen=True)
class TokenService:
    """Issues and verifies the API's bearer tokens with one secret key."""

    secret: str
    ttl: timedelta = timedelta(hours=1)
    _verified: OrderedDict[str, tuple[Actor, str, float]] = field(
        default_factory=OrderedDict, compare=False, repr=False
    )
    """Tokens verified already, until they expire: a client sends the same token many times."""

    def issue(self, actor: Actor, subject: str | None = None, ttl: timedelta | None = None) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject or str(actor),
            "role": actor.role,
            "party": actor.party,
            "iat": now,
            "exp": now + (ttl or self.ttl),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def verify(self, token: str) -> tuple[Actor, str]:
        """The token's actor and subject; raises :class:`InvalidToken` with the reason."""
        known = self._verified.get(token)
        if known is not None and known[2] > time.time():
            return known[0], known[1]
        actor, subject, expires = self._decode(token)
        self._verified[token] = (actor, subject, expires)
        if len(self._verified) > 10_000:
            self._verified.popitem(last=False)
        return actor, subject

    def _decode(self, token: str) -> tuple[Actor, str, float]:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired; request a new one") from None
        except jwt.PyJWTError as error:
            raise InvalidToken(f"the token is not valid ({error})") from None
        role, party = claims.get("role"), claims.get("party")
        if role not in ROLES or not isinstance(party, str) or not party:
            raise InvalidToken("the token names no known role")
        return Actor(role, party), str(claims["sub"]), float(claims["exp"])
