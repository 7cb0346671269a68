"""The decider: pure ``decide(command, state, now)`` and ``evolve(state, event)``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

C = TypeVar("C")
S = TypeVar("S")
E = TypeVar("E")


class DomainError(Exception):
    """A broken business rule; mapped once at the API edge to a 409/422 problem."""

    status = 409
    field: str | None = None


@dataclass(frozen=True)
class Decider(Generic[C, S, E]):
    """A pure aggregate: no I/O, no clock (time is passed in), no framework."""

    decide: Callable[[C, S, datetime], Sequence[E]]
    evolve: Callable[[S, E], S]
    initial_state: Callable[[], S]

    def fold(self, events: Iterable[E], state: S | None = None) -> S:
        current = self.initial_state() if state is None else state
        for event in events:
            current = self.evolve(current, event)
        return current
