"""Documenting what a route answers: ``@router.get(path, **answers(Model))``.

The route's own return value is served as it is (no second validation or filtering on the
way out); ``tests/fuzz`` checks every real answer against the documented model, and
``tests/service/test_answer_models.py`` checks each model's example and the answers of a system
after full lifecycles against it. Answer models allow fields they do not name, so a new field
never breaks a client generated from them. An amount is an ``Amount`` (the ``Money`` schema),
an instant a ``datetime`` (``date-time``, with its offset), a calendar day a ``date``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.events.base import Money
from shared.service.api import CommandAccepted


class Answer(BaseModel):
    """Base of the documented answers: every field optional, unknown ones allowed."""

    model_config = ConfigDict(extra="allow")


Amount = Money
"""Money as every answer shows it, ``{"amount": "12.50", "currency": "EUR"}``: the contracts'
own ``Money``, so requests, answers and events share one schema in the document."""


class Accepted(CommandAccepted):
    """A command's answer: the aggregate's id, its new version (also the ETag), the store
    position to pass as ``min_position`` to a read, and the events it recorded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "4dee679d-ab66-5287-93a7-9a38d1ed3ed2",
                    "stream_version": 1,
                    "position": 749,
                    "events": ["OrderPlaced"],
                }
            ]
        }
    )


def answers(
    model: Any, status: int = 200, description: str = "Successful Response"
) -> dict[str, Any]:
    """Decorator arguments that document ``model`` as the answer with ``status``."""
    return {
        "response_model": None,
        "responses": {status: {"model": model, "description": description}},
    }
