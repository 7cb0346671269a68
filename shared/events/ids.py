"""Event ids: time-ordered uuid7 for new facts, deterministic uuid5 for reactions and inputs."""

from __future__ import annotations

import uuid

import uuid_utils

EVENT_NAMESPACE = uuid.UUID("0861b66e-f6b2-5f4a-b843-1b83b8ad3789")
"""Fixed for ever: changing it would give redelivered causes new ids and repeat their effects."""

_REACTIONS = uuid.uuid5(EVENT_NAMESPACE, "reaction")
_EXTERNAL = uuid.uuid5(EVENT_NAMESPACE, "external")


def new_event_id() -> uuid.UUID:
    """A fresh, time-ordered id (uuid7) for an event nobody else could have produced."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def reaction_event_id(policy: str, cause_id: uuid.UUID, index: int) -> uuid.UUID:
    """The id of a policy's ``index``-th output for one cause: the same on every redelivery."""
    if not policy:
        raise ValueError("a reaction id needs the policy's name")
    if index < 0:
        raise ValueError("a reaction's index starts at 0")
    return uuid.uuid5(_REACTIONS, f"{policy}:{cause_id}:{index}")


def external_event_id(source: str, external_id: str) -> uuid.UUID:
    """The id of an event recording an outside message (carrier webhook, bank notice) by its id."""
    if not source or not external_id:
        raise ValueError("an external event id needs both the source and the message's id")
    return uuid.uuid5(_EXTERNAL, f"{len(source)}:{source}:{external_id}")


def short_id(value: object) -> str:
    """An id as people read and quote it: its last 8 hex digits. A uuid7 begins with its time,
    so ids made within a minute share their first digits; the last ones are random."""
    return str(value or "").replace("-", "")[-8:]
