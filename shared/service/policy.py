"""Policies: reactions to another service's events, turned into this service's commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from shared.events.envelope import Envelope
from shared.eventstore.port import RecordedEvent
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.consumer import Consumer, Source, Unprocessable
from shared.messaging.dead_letters import DeadLetters
from shared.service.codec import to_envelope
from shared.service.context import CommandContext

PolicyHandler = Callable[[Envelope], Awaitable[None]]


@dataclass(frozen=True)
class Policy:
    """``handle`` runs once per relevant event of ``source`` (at least once: it must be idempotent,
    which it is when every command it sends uses :func:`reaction_context`)."""

    name: str
    source: str
    event_types: Collection[str]
    handle: PolicyHandler


def reaction_context(policy: str, cause: Envelope, *, offset: int = 0) -> CommandContext:
    """The context of a command sent in reaction to ``cause``: deterministic event ids,
    the cause's saga (correlation id) and the cause as causation."""
    return CommandContext.reaction(policy, cause.event_id, cause.correlation_id, offset=offset)


def decode(record: RecordedEvent) -> Envelope:
    """Parse a record for a consumer; an event that fits no contract is unprocessable."""
    try:
        return to_envelope(record)
    except Exception as error:
        raise Unprocessable(
            f"cannot parse {record.event_type} v{record.schema_version}: {error}"
        ) from error


def policy_consumer(
    policy: Policy,
    source: Source,
    *,
    checkpoints: CheckpointStore,
    dead_letters: DeadLetters,
) -> Consumer:
    async def handle(record: RecordedEvent) -> None:
        await policy.handle(decode(record))

    return Consumer(
        f"policy:{policy.name}",
        source,
        handle,
        checkpoints=checkpoints,
        dead_letters=dead_letters,
        event_types=policy.event_types,
    )
