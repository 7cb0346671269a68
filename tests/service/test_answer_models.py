"""The documented answer models and their examples cannot drift from the answers' shapes
unnoticed: every example fits its model field by field and follows the payload-shape rules (an
amount a Money object, an instant with its offset, one JSON kind per field name), and the check
itself finds a drifted model. ``test_payload_shapes`` holds real answers to the same models."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import ConfigDict

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from shared.service.openapi_models import Amount, Answer
from tests.answer_models import answer_classes, documented_answers, examples, misfits
from tests.service.test_payload_shapes import KNOWN_MIXED, defects


async def test_every_example_fits_its_model_and_the_payload_shape_rules(
    system: EmbeddedSystem,
) -> None:
    app = app_for(system)
    try:
        documented = documented_answers(app)
    finally:
        await app.state.security.close()
    models = {cls for model in documented.values() for cls in answer_classes(model)}
    kinds: dict[str, dict[str, str]] = defaultdict(dict)
    found: list[str] = []
    checked = 0
    for cls in sorted(models, key=lambda c: c.__name__):
        for index, example in enumerate(examples(cls)):
            where = f"{cls.__name__} example {index}"
            found += [f"{where} {misfit}" for misfit in misfits(cls, example)]
            found += defects(example, where, kinds)
            checked += 1
    assert checked >= 40, checked
    assert not found, "\n".join(found)
    mixed = {key: seen for key, seen in kinds.items() if len(seen) > 1 and key not in KNOWN_MIXED}
    assert mixed == {}, f"a field name holds values of different kinds: {mixed}"


class Drifted(Answer):
    """A model inferred from an older answer: the amount a string, the instant plain text."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"total": "12.50", "placed_at": "2026-12-07 03:35:24"}]}
    )

    total: str | None = None
    placed_at: str | None = None


class Current(Answer):
    total: Amount | None = None
    placed_at: datetime | None = None


def test_the_check_finds_a_model_that_drifted_from_the_answer() -> None:
    answer = {
        "total": {"amount": "12.50", "currency": "EUR"},
        "placed_at": "2026-12-07T03:35:24+00:00",
        "progress": {"shipments_planned": 1},
    }
    assert [m.split(" (")[0] for m in misfits(Drifted, answer)] == [
        "$.total: Input should be a valid string"
    ]
    assert misfits(Current, answer) == ["$.progress: a field Current does not name"]
    stale = misfits(Drifted, {"placed_at": "2026-12-07T03:35:24+00:00"})
    assert stale == ["$.placed_at: a timestamp Drifted documents as text"]
    example = examples(Drifted)[0]
    assert [d.split(": ", 1)[1] for d in defects(example, "Drifted", defaultdict(dict))] == [
        "an amount that is not a Money object: '12.50'",
        "timestamp without T and offset: '2026-12-07 03:35:24'",
    ]
