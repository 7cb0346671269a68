"""Everything a request's authentication and authorisation needs, built once per app."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.events import LoginFailed, LoginSucceeded
from shared.events.security import Channel, LoginFailure
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import EventStore
from shared.service.auth.audit import AuditTrail
from shared.service.auth.destinations import DestinationPolicy
from shared.service.auth.identity import IdentityStore, Lockout, LoginAttempt
from shared.service.auth.outbox import WebhookOutbox
from shared.service.auth.ratelimit import RateLimiter
from shared.service.auth.replay import ReplayGuard
from shared.service.auth.tokens import TokenService
from shared.sql import Database

SESSION_COOKIE = "b2b_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


async def _memory_store() -> EventStore:
    return InMemoryEventStore()


@dataclass
class Security:
    """Tokens, credentials, replay guard, webhook outbox, access rules, rate limits, lock-outs
    and the audit trail (in memory unless the runtime gives it a store)."""

    engine: Database
    tokens: TokenService
    identity: IdentityStore = field(init=False)
    replay: ReplayGuard = field(init=False)
    outbox: WebhookOutbox = field(init=False)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    secure_cookies: bool = False
    rates: dict[str, str] = field(default_factory=lambda: {"login": "30/minute"})
    """Named limits the routes' rules refer to ("login", "orders")."""
    destinations: DestinationPolicy = field(default_factory=DestinationPolicy)
    lockout: Lockout = field(default_factory=Lockout)
    audit: AuditTrail = field(default_factory=lambda: AuditTrail(_memory_store))

    @property
    def login_rate(self) -> str:
        return self.rates["login"]

    def __post_init__(self) -> None:
        self.identity = IdentityStore(self.engine, lockout=self.lockout)
        self.replay = ReplayGuard(self.engine)
        self.outbox = WebhookOutbox(self.engine, policy=self.destinations)

    async def log_in(self, username: str, password: str, channel: str, client: str) -> LoginAttempt:
        """Check a log-in (lock-out included) and put it on the audit trail."""
        attempt = await self.identity.attempt_login(username, password)
        user = attempt.user
        if user is not None:
            succeeded = LoginSucceeded(
                username=username,
                role=user.actor.role,
                party=user.actor.party,
                channel=Channel(channel),
                client=client[:100],
                rehashed=attempt.rehashed,
            )
            await self.audit.record(succeeded, actor=str(user.actor))
        else:
            failed = LoginFailed(
                username=username[:200] or "(empty)",
                reason=LoginFailure(attempt.failure or "wrong_password"),
                channel=Channel(channel),
                client=client[:100],
                locked_until=attempt.locked_until,
            )
            await self.audit.record(failed)
        return attempt

    async def close(self) -> None:
        await self.outbox.close()
        await self.audit.close()
        await self.engine.dispose()
