"""Schema evolution: upcasters turn an old version's data into the next version's, step by step."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from shared.events.errors import UpcastError

Transform = Callable[[dict[str, Any]], dict[str, Any]]
"""Takes one version's data (a private copy it may change) and returns the next version's."""


@dataclass(frozen=True, slots=True)
class Upcaster:
    """Turns ``event_type`` data from ``from_version`` into ``to_version``."""

    event_type: str
    from_version: int
    to_version: int
    transform: Transform


class Upcasters:
    """The upcasters of one registry, at most one per (event type, from version)."""

    def __init__(self, upcasters: Iterable[Upcaster] = ()) -> None:
        self._steps: dict[tuple[str, int], Upcaster] = {}
        for upcaster in upcasters:
            self.add(upcaster)

    def add(self, upcaster: Upcaster) -> None:
        """Register one step; UpcastError if it goes backwards or its version already has one."""
        key = (upcaster.event_type, upcaster.from_version)
        if upcaster.from_version < 1 or upcaster.to_version <= upcaster.from_version:
            raise UpcastError(
                f"upcaster for {upcaster.event_type!r} must go from v>=1 to a later version, "
                f"not v{upcaster.from_version} -> v{upcaster.to_version}"
            )
        if key in self._steps:
            raise UpcastError(
                f"{upcaster.event_type!r} v{upcaster.from_version} already has an upcaster"
            )
        self._steps[key] = upcaster

    def register(
        self, event_type: str, from_version: int, to_version: int | None = None
    ) -> Callable[[Transform], Transform]:
        """Decorator form of ``add``; ``to_version`` defaults to the next version."""

        def decorate(transform: Transform) -> Transform:
            target = from_version + 1 if to_version is None else to_version
            self.add(Upcaster(event_type, from_version, target, transform))
            return transform

        return decorate

    def upcast(
        self, event_type: str, schema_version: int, data: Mapping[str, Any], to_version: int
    ) -> dict[str, Any]:
        """Chain upcasters from ``schema_version`` up to ``to_version``; ``data`` stays as is."""
        if schema_version > to_version:
            raise UpcastError(f"cannot upcast {event_type!r} v{schema_version} to v{to_version}")
        current = copy.deepcopy(dict(data))
        version = schema_version
        while version < to_version:
            step = self._steps.get((event_type, version))
            if step is None:
                raise UpcastError(
                    f"no upcaster from {event_type!r} v{version}; "
                    f"register one so v{schema_version} data can reach v{to_version}"
                )
            if step.to_version > to_version:
                raise UpcastError(
                    f"upcaster {event_type!r} v{version} -> v{step.to_version} "
                    f"overshoots the latest version v{to_version}"
                )
            current = step.transform(current)
            if not isinstance(current, dict):
                raise UpcastError(f"upcaster {event_type!r} v{version} did not return a dict")
            version = step.to_version
        return current

    def __iter__(self) -> Iterator[Upcaster]:
        return iter(self._steps.values())
