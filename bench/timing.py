"""Rates, repetitions and progress lines: the arithmetic every bench module shares."""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run: ``count`` things done (events, commits) in ``seconds``."""

    count: int
    seconds: float

    @property
    def rate(self) -> float:
        return rate(self.count, self.seconds)


def rate(count: int, seconds: float) -> float:
    """Things per second; a run that took no measurable time has no rate."""
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    if seconds <= 0:
        raise ValueError(f"a run must take some time, not {seconds}s")
    return count / seconds


@dataclass(frozen=True, slots=True)
class Stat:
    """The rates of several runs of one figure: the median is what a report shows."""

    rates: tuple[float, ...]

    @classmethod
    def of(cls, runs: Sequence[Run]) -> Stat:
        if not runs:
            raise ValueError("a figure needs at least one run")
        return cls(tuple(run.rate for run in runs))

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def spread(self) -> float:
        """(max - min) / median: how far apart the runs were, 0.0 for a single run."""
        return (max(self.rates) - min(self.rates)) / self.median if self.median else 0.0


def ratio(ours: float, baseline: float) -> float | None:
    """ours ÷ baseline, or None when there is no baseline to divide by."""
    return ours / baseline if baseline > 0 else None


def commits_for(rate_per_second: float, target_seconds: float, *, low: int, high: int) -> int:
    """How many commits (or batches) one run needs to last about ``target_seconds``."""
    if low > high:
        raise ValueError(f"low {low} is above high {high}")
    wanted = round(rate_per_second * target_seconds)
    return max(low, min(high, wanted))


async def timed(work: Callable[[], Awaitable[int]]) -> Run:
    """Time one call of ``work``, which returns how many things it did.

    A full garbage collection runs first (untimed), so every run starts from the same heap;
    the collector stays on during the run, as it is in production.
    """
    gc.collect()
    start = time.perf_counter()
    count = await work()
    return Run(count, time.perf_counter() - start)


class Progress:
    """Plain progress lines on stderr, each with the time since the bench started."""

    def __init__(self, *, quiet: bool = False) -> None:
        self._start = time.monotonic()
        self._quiet = quiet

    def elapsed(self) -> float:
        return time.monotonic() - self._start

    def say(self, message: str) -> None:
        if not self._quiet:
            print(f"[{self.elapsed():6.1f}s] {message}", file=sys.stderr, flush=True)
