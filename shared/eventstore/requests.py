"""Checks and serialisation of an append request, done before any lock is taken."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from shared.eventstore.port import StreamAppend


def encode_request(appends: Sequence[StreamAppend]) -> list[list[tuple[str, str]]]:
    """Check a request and serialise its payloads before any lock is taken: (data, metadata)."""
    stream_ids: set[str] = set()
    event_ids: set[uuid.UUID] = set()
    for append in appends:
        if append.stream_id in stream_ids:
            raise ValueError(f"stream {append.stream_id!r} appears twice in one append")
        stream_ids.add(append.stream_id)
        expected = append.expected_version
        if isinstance(expected, int) and expected < 0:
            raise ValueError(f"expected version {expected} is negative")
        for event in append.events:
            if event.event_id in event_ids:
                raise ValueError(f"event id {event.event_id} appears twice in one append")
            event_ids.add(event.event_id)
    return [[(dump(e.data), dump(e.metadata)) for e in append.events] for append in appends]


def dump(value: dict[str, Any]) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text.encode("utf-8")  # a lone surrogate fails here, not halfway through a transaction
    return text
