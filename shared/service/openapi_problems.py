"""The OpenAPI document declares the RFC 9457 problems every API operation may answer with:
422 for invalid input and, as ``default``, 401/403/404/409/412/429 refusals."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shared.service.errors import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document naming what to fix.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "field": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_REF = {"$ref": "#/components/schemas/Problem"}
INVALID = "Invalid request: `errors` names each field to fix"
REFUSED = (
    "A refusal: 401 not authenticated, 403 not allowed, 404 unknown (or not yours), "
    "409 conflict, 412 stale If-Match, 429 too many requests (see Retry-After)"
)
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _REF}}}


def add_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the problem answers on every operation of ``document`` (changed in place)."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for name in _FASTAPI_VALIDATION:
        components.pop(name, None)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses["422"] = _problem(INVALID)
            responses.setdefault("default", _problem(REFUSED))
    return document


def document_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare the problems (regenerated when routes are mounted)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_problems(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
