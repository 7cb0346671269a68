"""Policies: reactions to events (another service's, or the service's own), turned into this
service's commands inside the dispatcher's unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass

from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.messaging.consumer import PerEvent
from shared.messaging.decoding import Unprocessable, decode
from shared.messaging.dispatcher import Item
from shared.service.context import CommandContext

PolicyHandler = Callable[[Envelope], Awaitable[None]]
EventKind = type[DomainEvent]
"""An event named by its class, never by a string: a rename is then a type error where it is used,
not a subscription that goes quiet."""


def event_names(kinds: Collection[EventKind]) -> frozenset[str]:
    """The event type names of ``kinds``."""
    return frozenset(k.event_type for k in kinds)


Ready = Callable[[Sequence[Envelope]], Awaitable[None]]

__all__ = [
    "EventKind",
    "Policy",
    "Unprocessable",
    "decode",
    "event_names",
    "policy_handler",
    "reaction_context",
]


@dataclass(frozen=True)
class Policy:
    """``handle`` runs once per relevant event of ``source`` (at least once: it must be idempotent,
    which it is when every command it sends uses :func:`reaction_context`).

    ``handle`` runs inside the dispatcher's transaction and must not wait for other writes;
    ``ready``, if given, runs before it and may wait (e.g. for a read model to catch up).
    """

    name: str
    source: str
    event_types: Collection[EventKind]
    handle: PolicyHandler
    ready: Ready | None = None

    @property
    def event_names(self) -> frozenset[str]:
        return event_names(self.event_types)


def reaction_context(policy: str, cause: Envelope, *, offset: int = 0) -> CommandContext:
    """The context of a command sent in reaction to ``cause``: deterministic event ids,
    the cause's saga (correlation id) and the cause as causation."""
    return CommandContext.reaction(policy, cause.event_id, cause.correlation_id, offset=offset)


def policy_handler(policy: Policy) -> PerEvent:
    async def handle(item: Item) -> None:
        await policy.handle(item.envelope)

    return PerEvent(
        f"policy:{policy.name}", handle, event_types=policy.event_names, ready=policy.ready
    )
