"""FastAPI asks, for every parameter of every request, whether the parameter's annotation is a
sequence: typing introspection that costs microseconds each time, a sizeable part of solving a
route's dependencies (upstream: fastapi/fastapi#13824). The answer depends on the annotation
alone, so it is worked out once per annotation."""

from __future__ import annotations

import functools
from typing import Any

from fastapi._compat import shared
from fastapi.dependencies import utils

_uncached = shared.field_annotation_is_sequence


@functools.lru_cache(maxsize=4096)
def _cached(annotation: Any) -> bool:
    return _uncached(annotation)


def field_annotation_is_sequence(annotation: Any) -> bool:
    try:
        return _cached(annotation)
    except TypeError:  # an annotation that cannot be hashed is asked every time
        return _uncached(annotation)


def install() -> None:
    """Answer FastAPI's per-request question from the cache (idempotent)."""
    utils.field_annotation_is_sequence = field_annotation_is_sequence  # type: ignore[attr-defined]
