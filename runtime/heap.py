"""The garbage collector's settings for a long-running server.

The process keeps large long-lived structures (each store's window of recent events, decoded;
cached aggregate states; compiled statements), and CPython's full collections walk all of them:
under load they took a tenth of the CPU and stalled every request for up to a quarter of a
second. Nearly everything the services allocate dies by reference counting, so the collector
may run far less often, and what exists once the system is up is set aside for good.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 20_000
"""Allocations (net of deallocations) between young collections; CPython's default is 700."""


def tune_collector() -> None:
    """Collect young objects less often (full collections follow young ones)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


BATCH_OLDER_THRESHOLD = 100
"""Young collections between middle ones, and middle between full ones, in a batch job."""


@contextmanager
def collecting_rarely() -> Iterator[None]:
    """Collect rarely within this block, the previous setting afterwards: a batch job (a
    rebuild) holds thousands of decoded events between its commits, and at CPython's default
    two fifths of its time went to collections that walked them again and again."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, BATCH_OLDER_THRESHOLD, BATCH_OLDER_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def settle() -> None:
    """Collect once, then exempt every object alive now from later collections (the modules,
    the app, the compiled schemas and statements): call it once the system is up."""
    gc.collect()
    gc.freeze()
