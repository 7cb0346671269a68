"""Published contracts cannot change by accident: checked-in schemas must match the models."""

from __future__ import annotations

import pytest

from shared.events import DEFAULT_REGISTRY
from shared.events.export_schemas import ENVELOPE_FILE, SCHEMA_DIR, expected_files, find_drift

EXPECTED = expected_files(DEFAULT_REGISTRY)


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_checked_in_schema_matches_the_registered_model(file_name: str) -> None:
    missing, drifted = find_drift(SCHEMA_DIR, {file_name: EXPECTED[file_name]})
    if missing:
        pytest.fail(
            f"{file_name} has no checked-in schema. Run `python -m shared.events.export_schemas` "
            "(or `make schemas`) and commit the new file."
        )
    if drifted:
        pytest.fail(drifted[0].advice())


def test_every_registered_event_and_the_envelope_have_a_schema_file() -> None:
    names = {f"{m.event_type}.v{m.schema_version}.json" for m in DEFAULT_REGISTRY.models()}
    assert names | {ENVELOPE_FILE} == set(EXPECTED)
