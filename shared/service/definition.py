"""How a service declares itself: its routes, policies and projections, given its adapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.eventstore.port import EventStore
from shared.service.idempotency import IdempotencyStore
from shared.service.policy import Policy
from shared.service.projection import Projection, ProjectionRunner


@dataclass
class ProjectionPositions:
    """Lets a query wait (bounded) until a projection has caught up with a command's position."""

    runners: dict[tuple[str, str], ProjectionRunner] = field(default_factory=dict)

    def add(self, runner: ProjectionRunner) -> None:
        self.runners[(runner.projection.name, runner.source.name)] = runner

    async def wait_for(
        self, projection: str, source: str, position: int, timeout: float = 5.0
    ) -> bool:
        """True once ``projection`` holds ``source``'s events to ``position``; False on timeout."""
        runner = self.runners.get((projection, source))
        if runner is None or position <= 0:
            return True
        return await runner.wait_for(position, timeout)

    def position(self, projection: str, source: str) -> int:
        runner = self.runners.get((projection, source))
        return runner.position if runner else 0


@dataclass
class ServiceContext:
    """What a composition root hands a service: its own store and database, nothing else's."""

    name: str
    store: EventStore
    engine: AsyncEngine
    idempotency: IdempotencyStore
    positions: ProjectionPositions = field(default_factory=ProjectionPositions)


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
