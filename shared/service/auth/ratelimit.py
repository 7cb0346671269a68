"""Rate limits (moving window, in memory) answering 429 with Retry-After.

Built on ``limits``, the library slowapi wraps: our limits are keyed by the authenticated actor,
known only inside the access dependency, so the policy table states them instead of decorators."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    def __init__(self) -> None:
        self.storage = MemoryStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)

    def hit(self, rate: str, *key: str) -> int | None:
        """None when allowed; otherwise the seconds to wait before retrying."""
        limit = parse(rate)
        if self.limiter.hit(limit, *key):
            return None
        reset, _remaining = self.limiter.get_window_stats(limit, *key)
        return max(1, math.ceil(reset - time.time()))

    def reset(self) -> None:
        self.storage.reset()
