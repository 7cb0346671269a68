"""The registry: (event type, schema version) -> model; parses stored data and serialises events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from shared.events import catalog
from shared.events.base import DomainEvent
from shared.events.errors import DuplicateEventType, InvalidEventData, UnknownEventType
from shared.events.upcasting import Upcaster, Upcasters

_E = TypeVar("_E", bound=type[DomainEvent])


class EventRegistry:
    """Event models by type and version, with the upcasters that bring old data up to date."""

    def __init__(
        self, events: Iterable[type[DomainEvent]] = (), upcasters: Iterable[Upcaster] = ()
    ) -> None:
        self._models: dict[str, dict[int, type[DomainEvent]]] = {}
        self.upcasters = Upcasters(upcasters)
        for model in events:
            self.register(model)

    def register(self, model: _E) -> _E:
        """Add a model (usable as a class decorator); raises DuplicateEventType if taken."""
        event_type = getattr(model, "event_type", None)
        version = model.schema_version
        if not isinstance(event_type, str) or not event_type:
            raise TypeError(f"{model.__name__} has no event_type")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise TypeError(f"{model.__name__} needs a schema_version of 1 or more")
        versions = self._models.setdefault(event_type, {})
        if version in versions:
            taken = versions[version].__qualname__
            raise DuplicateEventType(f"{event_type!r} v{version} is already registered ({taken})")
        versions[version] = model
        return model

    def models(self) -> tuple[type[DomainEvent], ...]:
        """Every registered model, ordered by event type then version."""
        return tuple(
            model
            for event_type in sorted(self._models)
            for _, model in sorted(self._models[event_type].items())
        )

    def latest_version(self, event_type: str) -> int:
        """The newest registered version of an event type."""
        return max(self._versions(event_type, None))

    def model_for(self, event_type: str, schema_version: int) -> type[DomainEvent]:
        """The model registered for exactly this type and version."""
        versions = self._versions(event_type, schema_version)
        if schema_version not in versions:
            raise UnknownEventType(event_type, schema_version, versions)
        return versions[schema_version]

    def parse(self, event_type: str, schema_version: int, data: Mapping[str, Any]) -> DomainEvent:
        """Stored data -> the current model of its type, upcasting older versions first."""
        versions = self._versions(event_type, schema_version)
        latest = max(versions)
        if not 1 <= schema_version <= latest:
            raise UnknownEventType(event_type, schema_version, versions)
        if schema_version < latest:
            data = self.upcasters.upcast(event_type, schema_version, data, latest)
        model = versions[latest]
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise InvalidEventData(
                f"{event_type} v{schema_version} data is invalid: {error}"
            ) from error

    def parse_json(self, event_type: str, schema_version: int, text: str) -> DomainEvent:
        """Stored JSON text -> the current model; validated straight from the text (no dict in
        between) when no upcast is needed."""
        versions = self._versions(event_type, schema_version)
        latest = max(versions)
        if schema_version != latest:
            return self.parse(event_type, schema_version, json.loads(text))
        try:
            return versions[latest].model_validate_json(text)
        except ValidationError as error:
            raise InvalidEventData(
                f"{event_type} v{schema_version} data is invalid: {error}"
            ) from error

    def serialize(self, event: DomainEvent) -> dict[str, Any]:
        """The event as a JSON-able dict (decimals as strings, times ISO 8601 UTC)."""
        model = type(event)
        if self.model_for(event.event_type, model.schema_version) is not model:
            raise UnknownEventType(
                event.event_type,
                model.schema_version,
                hint=f"{model.__qualname__} is not the registered model of that type and version",
            )
        return event.model_dump(mode="json")

    def _versions(
        self, event_type: str, schema_version: int | None
    ) -> dict[int, type[DomainEvent]]:
        versions = self._models.get(event_type)
        if not versions:
            raise UnknownEventType(event_type, schema_version)
        return versions


DEFAULT_REGISTRY = EventRegistry(catalog.EVENTS, catalog.UPCASTERS)
"""The registry of the whole catalog."""


def parse(event_type: str, schema_version: int, data: Mapping[str, Any]) -> DomainEvent:
    """Parse stored data with the default registry."""
    return DEFAULT_REGISTRY.parse(event_type, schema_version, data)


def serialize(event: DomainEvent) -> dict[str, Any]:
    """Serialise a catalog event for ``NewEvent.data``."""
    return DEFAULT_REGISTRY.serialize(event)
