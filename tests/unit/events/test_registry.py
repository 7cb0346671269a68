"""The registry maps (type, version) to models and refuses what it cannot honour."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from shared.events import (
    DEFAULT_REGISTRY,
    DomainEvent,
    DuplicateEventType,
    EventContractError,
    EventRegistry,
    InvalidEventData,
    OrderCompleted,
    UnknownEventType,
    parse,
    serialize,
)


class ParcelWeighed(DomainEvent):
    """Test event, version 1."""

    event_type: ClassVar[str] = "ParcelWeighed"
    schema_version: ClassVar[int] = 1

    grams: int


class ParcelWeighedAgain(DomainEvent):
    """Another model claiming the same type and version."""

    event_type: ClassVar[str] = "ParcelWeighed"
    schema_version: ClassVar[int] = 1

    grams: int


class ParcelWeighedV2(DomainEvent):
    """Test event, version 2."""

    event_type: ClassVar[str] = "ParcelWeighed"
    schema_version: ClassVar[int] = 2

    grams: int
    scale: str


def test_registering_a_type_and_version_twice_is_refused() -> None:
    registry = EventRegistry([ParcelWeighed])
    with pytest.raises(DuplicateEventType, match=r"'ParcelWeighed' v1 is already registered"):
        registry.register(ParcelWeighedAgain)


def test_register_works_as_a_class_decorator_and_versions_coexist() -> None:
    registry = EventRegistry([ParcelWeighed])
    assert registry.register(ParcelWeighedV2) is ParcelWeighedV2
    assert registry.latest_version("ParcelWeighed") == 2
    assert registry.model_for("ParcelWeighed", 1) is ParcelWeighed
    assert registry.models() == (ParcelWeighed, ParcelWeighedV2)


def test_a_model_without_an_event_type_cannot_be_registered() -> None:
    class Nameless(DomainEvent):
        """No event_type."""

    with pytest.raises(TypeError, match="has no event_type"):
        EventRegistry([Nameless])


def test_an_unknown_type_is_a_contract_error_naming_it() -> None:
    with pytest.raises(UnknownEventType, match=r"'NoSuchThing v1'.*no version of it") as caught:
        parse("NoSuchThing", 1, {})
    assert isinstance(caught.value, EventContractError)
    assert caught.value.event_type == "NoSuchThing"


def test_a_version_newer_than_the_code_is_unknown_and_says_so() -> None:
    with pytest.raises(UnknownEventType, match=r"newer than this code knows \(latest v1\)"):
        parse("OrderCompleted", 2, {"order_id": "0193b0b8-0000-7000-8000-000000000000"})


@pytest.mark.parametrize("version", [0, -1])
def test_versions_start_at_one(version: int) -> None:
    with pytest.raises(UnknownEventType):
        parse("OrderCompleted", version, {})


def test_invalid_data_is_reported_with_its_type_and_cause() -> None:
    with pytest.raises(InvalidEventData, match="OrderCompleted v1 data is invalid") as caught:
        parse("OrderCompleted", 1, {"order_id": "not-a-uuid"})
    assert caught.value.__cause__ is not None


def test_unknown_fields_in_stored_data_are_invalid() -> None:
    data = {"order_id": "0193b0b8-0000-7000-8000-000000000000", "extra": True}
    with pytest.raises(InvalidEventData, match="extra"):
        parse("OrderCompleted", 1, data)


def test_serialize_refuses_events_the_registry_does_not_hold() -> None:
    with pytest.raises(UnknownEventType, match="ParcelWeighed"):
        serialize(ParcelWeighed(grams=3))


def test_serialize_refuses_a_look_alike_of_a_registered_model() -> None:
    registry = EventRegistry([ParcelWeighed])
    with pytest.raises(UnknownEventType, match="not the registered model"):
        registry.serialize(ParcelWeighedAgain(grams=3))


def test_serialize_gives_json_types_and_parse_gives_the_model_back() -> None:
    registry = EventRegistry([ParcelWeighed])
    data: dict[str, Any] = registry.serialize(ParcelWeighed(grams=3))
    assert data == {"grams": 3}
    assert registry.parse("ParcelWeighed", 1, data) == ParcelWeighed(grams=3)


def test_the_default_registry_holds_the_catalog_once_each() -> None:
    models = DEFAULT_REGISTRY.models()
    keys = [(m.event_type, m.schema_version) for m in models]
    assert len(keys) == len(set(keys)) >= 49
    assert DEFAULT_REGISTRY.model_for("OrderCompleted", 1) is OrderCompleted
