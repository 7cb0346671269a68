"""Old versions are upcast step by step to the current model before parsing."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import pytest

from shared.events import DomainEvent, EventRegistry, Upcaster, UpcastError, Upcasters


class StockCountedV1(DomainEvent):
    """v1: a count only."""

    event_type: ClassVar[str] = "StockCounted"
    schema_version: ClassVar[int] = 1

    count: int


class StockCounted(DomainEvent):
    """v3: the count became ``quantity`` (v3) after gaining a unit (v2)."""

    event_type: ClassVar[str] = "StockCounted"
    schema_version: ClassVar[int] = 3

    quantity: int
    unit: str


def add_unit(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "unit": "piece"}


def rename_count(data: dict[str, Any]) -> dict[str, Any]:
    data["quantity"] = data.pop("count")
    return data


CHAIN = (Upcaster("StockCounted", 1, 2, add_unit), Upcaster("StockCounted", 2, 3, rename_count))


def test_v1_data_is_upcast_through_every_step_into_the_current_model() -> None:
    registry = EventRegistry([StockCountedV1, StockCounted], CHAIN)
    assert registry.parse("StockCounted", 1, {"count": 7}) == StockCounted(quantity=7, unit="piece")
    assert registry.parse("StockCounted", 3, {"quantity": 2, "unit": "box"}) == StockCounted(
        quantity=2, unit="box"
    )


def test_upcasting_leaves_the_stored_data_untouched() -> None:
    stored = {"count": 7, "nested": {"a": [1]}}
    before = copy.deepcopy(stored)
    upcast = Upcasters(CHAIN).upcast("StockCounted", 1, stored, to_version=3)
    assert upcast == {"quantity": 7, "nested": {"a": [1]}, "unit": "piece"}
    assert stored == before


def test_the_decorator_registers_a_step_to_the_next_version() -> None:
    upcasters = Upcasters()

    @upcasters.register("StockCounted", 1)
    def to_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "unit": "kg"}

    assert upcasters.upcast("StockCounted", 1, {"count": 1}, to_version=2) == {
        "count": 1,
        "unit": "kg",
    }
    assert [(u.from_version, u.to_version) for u in upcasters] == [(1, 2)]


def test_a_step_may_skip_versions() -> None:
    upcasters = Upcasters(
        [Upcaster("StockCounted", 1, 3, lambda d: {"quantity": d["count"], "unit": "x"})]
    )
    assert upcasters.upcast("StockCounted", 1, {"count": 4}, to_version=3) == {
        "quantity": 4,
        "unit": "x",
    }


def test_a_missing_step_names_the_version_that_cannot_move() -> None:
    registry = EventRegistry([StockCounted], CHAIN[:1])
    with pytest.raises(UpcastError, match=r"no upcaster from 'StockCounted' v2"):
        registry.parse("StockCounted", 1, {"count": 7})


def test_a_second_step_from_the_same_version_is_refused() -> None:
    with pytest.raises(UpcastError, match="already has an upcaster"):
        Upcasters([CHAIN[0], Upcaster("StockCounted", 1, 2, add_unit)])


@pytest.mark.parametrize(("source", "target"), [(2, 2), (2, 1), (0, 1)])
def test_a_step_must_go_forward_from_version_one_or_later(source: int, target: int) -> None:
    with pytest.raises(UpcastError, match="later version"):
        Upcasters([Upcaster("StockCounted", source, target, add_unit)])


def test_a_step_past_the_latest_version_is_refused() -> None:
    upcasters = Upcasters([Upcaster("StockCounted", 1, 4, add_unit)])
    with pytest.raises(UpcastError, match="overshoots"):
        upcasters.upcast("StockCounted", 1, {"count": 1}, to_version=3)


def test_a_step_must_return_a_dict() -> None:
    upcasters = Upcasters([Upcaster("StockCounted", 1, 2, lambda d: None)])  # type: ignore[arg-type,return-value]
    with pytest.raises(UpcastError, match="did not return a dict"):
        upcasters.upcast("StockCounted", 1, {"count": 1}, to_version=2)


def test_upcasting_never_goes_down() -> None:
    with pytest.raises(UpcastError):
        Upcasters(CHAIN).upcast("StockCounted", 3, {}, to_version=1)
