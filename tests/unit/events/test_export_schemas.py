"""The exporter writes new schema files and refuses to rewrite a published version."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field

from shared.events import DomainEvent, EventRegistry, Money
from shared.events.base import AMOUNT_PATTERN, DECIMAL_PATTERN
from shared.events.export_schemas import (
    ENVELOPE_FILE,
    REFINED_PATTERNS,
    event_schema,
    main,
    narrows,
    render,
)


class CrateSealed(DomainEvent):
    """A crate was sealed."""

    event_type: ClassVar[str] = "CrateSealed"
    schema_version: ClassVar[int] = 1

    seal: str


class CrateSealedChanged(DomainEvent):
    """A crate was sealed."""

    event_type: ClassVar[str] = "CrateSealed"
    schema_version: ClassVar[int] = 1

    seal: int


class CrateSealedRedocumented(DomainEvent):
    """A crate was sealed shut (better words, same contract)."""

    event_type: ClassVar[str] = "CrateSealed"
    schema_version: ClassVar[int] = 1

    seal: str


def export(tmp_path: Path, model: type[DomainEvent], *args: str) -> int:
    return main(list(args), directory=tmp_path, registry=EventRegistry([model]))


def test_new_files_are_written_with_sorted_keys_indent_and_newline(tmp_path: Path) -> None:
    assert export(tmp_path, CrateSealed) == 0
    text = (tmp_path / "CrateSealed.v1.json").read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"
    schema = json.loads(text)
    assert (schema["x-event-type"], schema["x-schema-version"]) == ("CrateSealed", 1)
    assert schema["properties"]["seal"]["type"] == "string"
    assert (tmp_path / ENVELOPE_FILE).exists()


def test_running_again_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export(tmp_path, CrateSealed)
    capsys.readouterr()
    assert export(tmp_path, CrateSealed) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_changed_published_version_is_refused_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(tmp_path, CrateSealed)
    before = (tmp_path / "CrateSealed.v1.json").read_text()
    assert export(tmp_path, CrateSealedChanged) == 1
    err = capsys.readouterr().err
    assert "CrateSealed.v1.json" in err
    assert "new schema_version" in err
    assert "upcaster" in err
    assert (tmp_path / "CrateSealed.v1.json").read_text() == before


def test_force_overwrites_a_changed_version(tmp_path: Path) -> None:
    export(tmp_path, CrateSealed)
    assert export(tmp_path, CrateSealedChanged, "--force") == 0
    assert (tmp_path / "CrateSealed.v1.json").read_text() == render(
        event_schema(CrateSealedChanged)
    )


def test_a_documentation_only_change_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(tmp_path, CrateSealed)
    assert export(tmp_path, CrateSealedRedocumented) == 1
    assert "only descriptions" in capsys.readouterr().err


def test_check_writes_nothing_and_fails_on_a_missing_file(tmp_path: Path) -> None:
    assert export(tmp_path, CrateSealed, "--check") == 1
    assert list(tmp_path.iterdir()) == []
    export(tmp_path, CrateSealed)
    assert export(tmp_path, CrateSealed, "--check") == 0


class CrateWeighedV1(DomainEvent):
    """A crate was weighed."""

    event_type: ClassVar[str] = "CrateWeighed"
    schema_version: ClassVar[int] = 1

    grams: int
    price: Money


class CrateWeighedBounded(DomainEvent):
    """A crate was weighed."""

    event_type: ClassVar[str] = "CrateWeighed"
    schema_version: ClassVar[int] = 1

    grams: Annotated[int, Field(ge=0, le=1000)]
    price: Money


class CrateWeighedWidened(DomainEvent):
    """A crate was weighed."""

    event_type: ClassVar[str] = "CrateWeighed"
    schema_version: ClassVar[int] = 1

    grams: Annotated[int, Field(ge=0, le=1000)] | None = None
    price: Money


def test_added_or_tightened_bounds_are_named_a_narrowing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(tmp_path, CrateWeighedV1)
    assert export(tmp_path, CrateWeighedBounded) == 1
    assert "only bounds were added or tightened" in capsys.readouterr().err
    assert export(tmp_path, CrateWeighedBounded, "--force") == 0
    # Back to no bounds: that widens what is valid, a new version's business.
    assert export(tmp_path, CrateWeighedV1) == 1
    assert "new schema_version" in capsys.readouterr().err


def test_a_change_that_admits_more_is_no_narrowing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(tmp_path, CrateWeighedBounded)
    assert export(tmp_path, CrateWeighedWidened) == 1
    assert "new schema_version" in capsys.readouterr().err


def test_narrowing_compares_bounds_and_known_pattern_refinements() -> None:
    old = {"type": "integer", "maximum": 10, "minimum": 0}
    assert narrows(old, {"type": "integer", "maximum": 5, "minimum": 1})
    assert not narrows(old, {"type": "integer", "maximum": 11, "minimum": 0})
    assert not narrows(old, {"type": "integer", "minimum": 0})
    assert not narrows(old, {"type": "number", "maximum": 10, "minimum": 0})
    assert narrows({"pattern": DECIMAL_PATTERN}, {"pattern": AMOUNT_PATTERN})
    assert not narrows({"pattern": AMOUNT_PATTERN}, {"pattern": DECIMAL_PATTERN})


@given(st.sampled_from(sorted((k, v) for k, vs in REFINED_PATTERNS.items() for v in vs)), st.data())
def test_every_known_pattern_refinement_matches_only_what_its_original_matches(
    pair: tuple[str, str], data: st.DataObject
) -> None:
    # JSON Schema patterns are not anchored: both are searched for, as validators do.
    original, refined = pair
    text = data.draw(st.from_regex(refined))
    assert re.search(refined, text)
    assert re.search(original, text)
