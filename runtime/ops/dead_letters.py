"""``b2b dead-letters``: list them across services, show one, retry one through its consumer."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from runtime.ops.deployment import Deployment
from shared.eventstore.port import RecordedEvent
from shared.messaging.dead_letters import DeadLetters, dead_letters
from shared.service.policy import decode
from shared.service.shapes import instant


class DeadLetterNotFound(KeyError):
    """No dead letter with that id."""


def _split(letter_id: str) -> tuple[str, int]:
    service, _, number = letter_id.partition(":")
    if not number.isdigit():
        raise DeadLetterNotFound(
            f"{letter_id!r} is not a dead letter id: use <service>:<number> "
            "as `b2b dead-letters list` shows"
        )
    return service, int(number)


async def list_letters(deployment: Deployment) -> list[dict[str, Any]]:
    """Every service's dead letters, oldest first per service, with ``service:id`` ids."""
    found: list[dict[str, Any]] = []
    for service, engine in deployment.engines.items():
        for letter in await DeadLetters(engine).list():
            row = asdict(letter)
            row["failed_at"] = instant(letter.failed_at)
            found.append({**row, "id": f"{service}:{letter.id}", "service": service})
    return found


async def show_letter(deployment: Deployment, letter_id: str) -> dict[str, Any]:
    """One dead letter with its event data and the full error."""
    service, number = _split(letter_id)
    engine = deployment.engines.get(service)
    row = None
    if engine is not None:
        async with engine.connect() as conn:
            query = select(dead_letters).where(dead_letters.c.id == number)
            row = (await conn.execute(query)).mappings().first()
    if row is None:
        raise DeadLetterNotFound(f"no dead letter {letter_id}; `b2b dead-letters list` shows them")
    shown = dict(row)
    shown["data"] = json.loads(shown["data"])
    shown["failed_at"] = instant(row["failed_at"])
    return {**shown, "id": letter_id, "service": service}


async def _record(
    deployment: Deployment, source: str, position: int, event_id: str
) -> RecordedEvent:
    store = deployment.stores[source]
    found = await store.read_all(position - 1, 1)
    record = found[0] if found else None
    if record is None or str(record.event_id) != event_id:
        raise DeadLetterNotFound(
            f"event {event_id} is no longer at {source} position {position}; "
            "was the store replaced? Remove the dead letter by hand if it is obsolete"
        )
    return record


async def retry_letter(deployment: Deployment, letter_id: str) -> str:
    """Hand the event to its consumer again; on success the dead letter is removed.

    A policy's reaction is idempotent (deterministic ids); a projection applies the event
    in one transaction. A failure raises and leaves the dead letter in place.
    """
    letter = await show_letter(deployment, letter_id)
    service, number = _split(letter_id)
    record = await _record(deployment, letter["source"], letter["position"], letter["event_id"])
    parts = deployment.parts[service]
    consumer = letter["consumer"]
    engine = deployment.engines[service]
    policies = {f"policy:{p.name}": p for p in parts.policies}
    projections = {p.consumer_name: p for p in parts.projections}
    if consumer in policies:
        await policies[consumer].handle(decode(record))
    elif consumer in projections:
        async with engine.begin() as conn:
            await projections[consumer].apply(conn, decode(record))
    else:
        raise DeadLetterNotFound(
            f"consumer {consumer!r} no longer exists in {service} (renamed or a new version?); "
            "the event cannot be retried — remove the dead letter once you have dealt with it"
        )
    await DeadLetters(engine).remove(number)
    return (
        f"{letter['event_type']} at {letter['source']}@{letter['position']} retried by {consumer}"
    )
