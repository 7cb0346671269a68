"""Write the JSON Schema of every registered event (and the envelope) into shared/events/schemas.

Checked-in version files are immutable: a changed contract needs a new schema_version plus an
upcaster. Two changes keep their version, with ``--force`` and a reviewer's eye: documentation
(descriptions, titles), and narrowing, where every event valid under the new schema was valid under
the old one (an upper or lower bound added or tightened, a pattern replaced by a known refinement
of it). Old readers still read every new event; see docs/service-guide.md, "Schema evolution".
``--check`` only compares.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.events.base import AMOUNT_PATTERN, DECIMAL_PATTERN, DomainEvent
from shared.events.envelope import Envelope
from shared.events.registry import DEFAULT_REGISTRY, EventRegistry
from shared.events.values import EMAIL_PATTERN, TEXT_PATTERN

SCHEMA_DIR = Path(__file__).parent / "schemas"
ENVELOPE_FILE = "envelope.json"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DOCUMENTATION = frozenset({"description", "title"})
_UPPER_BOUNDS = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems"})
_LOWER_BOUNDS = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems"})
REFINED_PATTERNS: dict[str, frozenset[str]] = {
    DECIMAL_PATTERN: frozenset({AMOUNT_PATTERN}),
    r"\S": frozenset({TEXT_PATTERN}),
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": frozenset({EMAIL_PATTERN}),
}
"""Pattern -> patterns proven to match a subset of it (tests/unit/events/test_export_schemas.py)."""


def schema_file_name(model: type[DomainEvent]) -> str:
    """``<EventType>.v<N>.json``."""
    return f"{model.event_type}.v{model.schema_version}.json"


def event_schema(model: type[DomainEvent]) -> dict[str, Any]:
    """The wire schema (what ``serialize`` writes) of one event version."""
    schema = model.model_json_schema(mode="serialization")
    return {
        "$schema": _DIALECT,
        "x-event-type": model.event_type,
        "x-schema-version": model.schema_version,
        **schema,
    }


def envelope_schema() -> dict[str, Any]:
    """The wire schema of ``Envelope.model_dump(mode="json")``."""
    return {"$schema": _DIALECT, **Envelope.model_json_schema(mode="serialization")}


def render(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema, sort_keys=True, indent=2) + "\n"


def expected_files(registry: EventRegistry = DEFAULT_REGISTRY) -> dict[str, str]:
    """File name -> content for every registered event and the envelope."""
    files = {schema_file_name(m): render(event_schema(m)) for m in registry.models()}
    files[ENVELOPE_FILE] = render(envelope_schema())
    return files


def _without_documentation(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_documentation(value)
            for key, value in node.items()
            if not (key in _DOCUMENTATION and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_without_documentation(item) for item in node]
    return node


def narrows(old: Any, new: Any) -> bool:
    """True when ``new`` admits no instance ``old`` refused: only bounds were added or tightened
    and patterns replaced by known refinements (documentation aside)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() | new.keys():
            if key in _UPPER_BOUNDS | _LOWER_BOUNDS:
                if key in old and (key not in new or not _tighter(key, old[key], new[key])):
                    return False
            elif key == "pattern" and key in old and key in new:
                if new[key] != old[key] and new[key] not in REFINED_PATTERNS.get(old[key], ()):
                    return False
            elif key not in old or key not in new or not narrows(old[key], new[key]):
                return False
        return True
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(narrows(a, b) for a, b in zip(old, new, strict=True))
    return bool(old == new)


def _tighter(key: str, old: Any, new: Any) -> bool:
    return bool(new <= old) if key in _UPPER_BOUNDS else bool(new >= old)


@dataclass(frozen=True, slots=True)
class Drift:
    """A checked-in schema file that no longer matches its model."""

    file_name: str
    documentation_only: bool
    narrowing_only: bool = False

    def advice(self) -> str:
        """What the developer should do about it."""
        if self.file_name == ENVELOPE_FILE:
            return (
                f"{self.file_name}: the envelope's schema changed; every consumer reads it, so "
                "agree the change with the team, then run with --force"
            )
        if self.documentation_only:
            return (
                f"{self.file_name}: only descriptions or titles changed; "
                "run `python -m shared.events.export_schemas --force` to update the file"
            )
        if self.narrowing_only:
            return (
                f"{self.file_name}: only bounds were added or tightened (or a pattern refined), "
                "so every new event is valid for old readers. Make sure no stored event lies "
                "outside them (such an event could no longer be read), then run "
                "`python -m shared.events.export_schemas --force`"
            )
        return (
            f"{self.file_name}: this published version's schema changed. Keep the old model's "
            "schema as it is: add a new schema_version to the event plus an upcaster from the "
            "old version (shared.events.catalog.UPCASTERS), then export again"
        )


def find_drift(directory: Path, files: dict[str, str]) -> tuple[list[str], list[Drift]]:
    """(missing file names, checked-in files whose content differs)."""
    missing: list[str] = []
    drifted: list[Drift] = []
    for name, content in sorted(files.items()):
        path = directory / name
        if not path.exists():
            missing.append(name)
            continue
        stored = path.read_text(encoding="utf-8")
        if stored != content:
            old = _without_documentation(json.loads(stored))
            new = _without_documentation(json.loads(content))
            drifted.append(
                Drift(name, documentation_only=old == new, narrowing_only=narrows(old, new))
            )
    return missing, drifted


def main(
    argv: Sequence[str] | None = None,
    directory: Path = SCHEMA_DIR,
    registry: EventRegistry = DEFAULT_REGISTRY,
) -> int:
    """Export the schemas; exit 1 on a changed version file (or, with --check, any difference)."""
    parser = argparse.ArgumentParser(prog="python -m shared.events.export_schemas")
    parser.add_argument("--force", action="store_true", help="overwrite changed files")
    parser.add_argument("--check", action="store_true", help="write nothing; fail on a difference")
    args = parser.parse_args(argv)
    files = expected_files(registry)
    missing, drifted = find_drift(directory, files)
    if args.check:
        for name in missing:
            print(f"missing: {name}; run `python -m shared.events.export_schemas`", file=sys.stderr)
        for drift in drifted:
            print(drift.advice(), file=sys.stderr)
        return 1 if missing or drifted else 0
    if drifted and not args.force:
        for drift in drifted:
            print(drift.advice(), file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    directory.mkdir(parents=True, exist_ok=True)
    for name in missing + [d.file_name for d in drifted]:
        (directory / name).write_text(files[name], encoding="utf-8")
        print(f"wrote {name}")
    if not missing and not drifted:
        print(f"all {len(files)} schema files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
