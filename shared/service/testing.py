"""Given events / When command / Then events, for testing deciders in milliseconds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import pytest

from shared.service.decider import Decider

C = TypeVar("C")
S = TypeVar("S")
E = TypeVar("E")

DEFAULT_NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


class Scenario(Generic[C, S, E]):
    """``Scenario(decider).given(*events).when(command).then(*events)``."""

    def __init__(self, decider: Decider[C, S, E], now: datetime = DEFAULT_NOW) -> None:
        self._decider = decider
        self._now = now
        self._given: list[E] = []
        self._command: C | None = None

    def given(self, *events: E) -> Scenario[C, S, E]:
        self._given.extend(events)
        return self

    def at(self, now: datetime) -> Scenario[C, S, E]:
        self._now = now
        return self

    def when(self, command: C) -> Scenario[C, S, E]:
        self._command = command
        return self

    def _decide(self) -> Sequence[E]:
        assert self._command is not None, "call when(command) first"
        state = self._decider.fold(self._given)
        return self._decider.decide(self._command, state, self._now)

    def then(self, *expected: E) -> Sequence[E]:
        produced = list(self._decide())
        assert produced == list(expected), f"expected {expected!r}\n     got {produced!r}"
        return produced

    def then_events(self) -> list[E]:
        """The events produced, for assertions on a part of them."""
        return list(self._decide())

    def then_raises(self, error: type[Exception], match: str | None = None) -> Any:
        with pytest.raises(error, match=match) as caught:
            self._decide()
        return caught.value
