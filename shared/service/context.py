"""Who asks, when, and within which saga: the metadata every command's events carry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from shared.events.envelope import new_event_id, reaction_event_id


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommandContext:
    """The actor and causality of a command. ``event_id`` makes ids deterministic for reactions."""

    actor: str | None = None
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    event_id: Callable[[int], UUID] = field(default=lambda _index: new_event_id())
    now: Callable[[], datetime] = utc_now
    is_reaction: bool = False

    @classmethod
    def reaction(
        cls,
        policy: str,
        cause_id: UUID,
        correlation_id: UUID | None,
        *,
        actor: str | None = None,
        offset: int = 0,
        now: Callable[[], datetime] = utc_now,
    ) -> CommandContext:
        """Reaction event ids come from (policy, cause, index): redelivery is a no-op."""
        return cls(
            actor=actor or f"policy:{policy}",
            correlation_id=correlation_id,
            causation_id=cause_id,
            event_id=lambda index: reaction_event_id(policy, cause_id, offset + index),
            now=now,
            is_reaction=True,
        )
