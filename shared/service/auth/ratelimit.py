"""Rate limits (moving window, in memory) answering 429 with Retry-After.

The limits are parsed by ``limits`` (the library slowapi wraps), and keyed by the authenticated
actor, known only inside the access dependency, so the policy table states them instead of
decorators. The window itself is a deque of hit times per key: ``limits``' in-memory storage
starts a timer thread to expire entries, which cost a millisecond per request on the hot path.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache

from limits import RateLimitItem, parse


@lru_cache(maxsize=64)
def _limit(rate: str) -> tuple[int, float]:
    item: RateLimitItem = parse(rate)
    return item.amount, float(item.get_expiry())


class RateLimiter:
    """A moving window per (rate, key): at most ``amount`` hits in any ``expiry`` seconds."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, ...], deque[float]] = {}

    def hit(self, rate: str, *key: str) -> int | None:
        """None when allowed (and counted); otherwise the seconds to wait before retrying."""
        amount, window = _limit(rate)
        now = self._clock()
        hits = self._hits.setdefault((rate, *key), deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) < amount:
            hits.append(now)
            if len(self._hits) > 100_000:
                self._forget_idle(now)
            return None
        return max(1, math.ceil(hits[0] + window - now))

    def _forget_idle(self, now: float) -> None:
        """Drop the keys none of whose hits is inside its own rate's window any more."""
        idle = [k for k, h in self._hits.items() if not h or h[-1] <= now - _limit(k[0])[1]]
        for key in idle:
            del self._hits[key]

    def reset(self) -> None:
        self._hits.clear()
