"""Does an answer fit the model its route documents (``**answers(Model)``)? Used on the models'
own examples and on real answers, so that a model cannot drift from what the API answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def documented_answers(app: FastAPI) -> dict[str, Any]:
    """``"GET /path"`` → the model (or ``list[Model]``) of the route's 2xx JSON answer."""
    found: dict[str, Any] = {}
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        models = [
            response["model"]
            for status, response in (route.responses or {}).items()
            if str(status).startswith("2") and response.get("model") is not None
        ]
        for model in [route.response_model, *models]:
            if model is not None:
                found.update({f"{method} {route.path}": model for method in route.methods})
    return found


def answer_classes(model: Any) -> Iterator[type[BaseModel]]:
    """The model classes a documented answer names: itself, the items of a list, and every
    model nested in their fields."""
    seen: set[type[BaseModel]] = set()

    def visit(annotation: Any) -> Iterator[type[BaseModel]]:
        model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if model and annotation not in seen:
            seen.add(annotation)
            yield annotation
            for field in annotation.model_fields.values():
                yield from visit(field.annotation)
        for arg in get_args(annotation):
            yield from visit(arg)

    yield from visit(model)


def examples(model: type[BaseModel]) -> list[Any]:
    """The examples a model documents (``json_schema_extra``)."""
    extra = model.model_config.get("json_schema_extra")
    found = extra.get("examples") if isinstance(extra, dict) else None
    return list(found) if isinstance(found, list) else []


def misfits(model: Any, answer: Any) -> list[str]:
    """What of ``answer`` the documented ``model`` does not describe: a value of another type
    (strict, as JSON), a field the model does not name, or a time or date it documents as
    plain text."""
    try:
        value = TypeAdapter(model).validate_json(json.dumps(answer), strict=True)
    except ValidationError as error:
        return [f"{_path(e['loc'])}: {e['msg']} ({e['input']!r:.60})" for e in error.errors()]
    return list(_undescribed(value, "$"))


def _path(loc: tuple[int | str, ...]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def _undescribed(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, BaseModel):
        name = type(value).__name__
        for key in value.model_extra or {}:
            yield f"{path}.{key}: a field {name} does not name"
        for key, field in type(value).model_fields.items():
            inner = getattr(value, key)
            if isinstance(inner, str) and _is_text(field.annotation):
                if TIMESTAMP.match(inner):
                    yield f"{path}.{key}: a timestamp {name} documents as text"
                elif DATE.match(inner):
                    yield f"{path}.{key}: a date {name} documents as text"
            yield from _undescribed(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _undescribed(item, f"{path}[{index}]")


def _is_text(annotation: Any) -> bool:
    """A field typed ``str`` (or ``str | None``), not ``datetime``, ``date`` or ``Any``."""
    if annotation is str:
        return True
    if get_origin(annotation) in (Union, UnionType):
        args = set(get_args(annotation)) - {type(None)}
        return str in args and not args & {datetime, date}
    return False
