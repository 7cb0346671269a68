"""Everything a request's authentication and authorisation needs, built once per app."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.service.auth.access import AccessPolicy
from shared.service.auth.destinations import DestinationPolicy
from shared.service.auth.identity import IdentityStore
from shared.service.auth.outbox import WebhookOutbox
from shared.service.auth.ratelimit import RateLimiter
from shared.service.auth.replay import ReplayGuard
from shared.service.auth.tokens import TokenService

SESSION_COOKIE = "b2b_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


@dataclass
class Security:
    """Tokens, credentials, replay guard, webhook outbox, access rules and rate limits."""

    engine: AsyncEngine
    tokens: TokenService
    policy: AccessPolicy
    identity: IdentityStore = field(init=False)
    replay: ReplayGuard = field(init=False)
    outbox: WebhookOutbox = field(init=False)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    secure_cookies: bool = False
    login_rate: str = "30/minute"
    destinations: DestinationPolicy = field(default_factory=DestinationPolicy)

    def __post_init__(self) -> None:
        self.identity = IdentityStore(self.engine)
        self.replay = ReplayGuard(self.engine)
        self.outbox = WebhookOutbox(self.engine, policy=self.destinations)

    async def close(self) -> None:
        await self.outbox.close()
        await self.engine.dispose()
