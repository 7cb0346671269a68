"""The exporter writes new schema files and refuses to rewrite a published version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest

from shared.events import DomainEvent, EventRegistry
from shared.events.export_schemas import ENVELOPE_FILE, event_schema, main, render


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
