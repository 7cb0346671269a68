"""How a service declares itself: its routes, policies and projections, given its adapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter

from shared.eventstore.port import EventStore
from shared.messaging.dispatcher import Dispatcher
from shared.service.changes import Changes
from shared.service.idempotency import IdempotencyStore
from shared.service.policy import Policy
from shared.service.projection import Projection
from shared.sql import Database


@dataclass
class ProjectionPositions:
    """Lets a query wait (bounded) until a projection has caught up with a command's position."""

    dispatchers: dict[str, Dispatcher] = field(default_factory=dict)

    def add(self, dispatcher: Dispatcher) -> None:
        self.dispatchers[dispatcher.source] = dispatcher

    def _find(self, projection: str, source: str) -> tuple[Dispatcher, str] | None:
        dispatcher = self.dispatchers.get(source)
        if dispatcher is None:
            return None
        prefix = f"projection:{projection}:v"
        for name in dispatcher.positions:
            if name.startswith(prefix) and name[len(prefix) :].isdigit():
                return dispatcher, name
        return None

    async def wait_for(
        self, projection: str, source: str, position: int, timeout: float = 5.0
    ) -> bool:
        """True once ``projection`` holds ``source``'s events to ``position``; False on timeout."""
        found = self._find(projection, source)
        if found is None or position <= 0:
            return True
        dispatcher, name = found
        return await dispatcher.wait_for(name, position, timeout)

    def position(self, projection: str, source: str) -> int:
        found = self._find(projection, source)
        return found[0].positions[found[1]] if found else 0


@dataclass
class ServiceContext:
    """What a composition root hands a service: its own store and database, nothing else's."""

    name: str
    store: EventStore
    engine: Database
    idempotency: IdempotencyStore
    positions: ProjectionPositions = field(default_factory=ProjectionPositions)
    changes: Changes = field(default_factory=Changes)


@dataclass
class ServiceParts:
    router: APIRouter | None = None
    policies: list[Policy] = field(default_factory=list)
    projections: list[Projection] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceDefinition:
    """``build`` wires the service's parts on the adapters a runtime chose (no I/O in build)."""

    name: str
    build: Callable[[ServiceContext], ServiceParts]
