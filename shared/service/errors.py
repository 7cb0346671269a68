"""Every error a client can cause becomes an RFC 9457 problem+json naming what to fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.eventstore.port import DuplicateEventId, WrongExpectedVersion
from shared.service.decider import DomainError

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.headers = headers
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.extra = extra


def problem_response(
    status: int,
    title: str,
    detail: str = "",
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_SOURCES = ("body", "query", "path", "header", "cookie")


def field_path(*parts: str | int) -> str:
    """The one format every problem names a field in: ``lines[0].quantity``."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _field_path(location: tuple[Any, ...] | list[Any], body: Any) -> str:
    """A validation error's location as a field path into what the client sent; the names of
    union members that pydantic adds to a location (``bank_transfer``, ``function-after[...]``)
    are not fields and are left out."""
    parts = list(location)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        node = body if source == "body" else None
    else:
        node = None
    kept: list[str | int] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(part, int):
            kept.append(part)
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        elif isinstance(node, dict) and part not in node and not last:
            continue  # a union member's tag, not a key the client sent
        elif "[" in str(part) or "(" in str(part):
            continue
        else:
            kept.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return field_path(*kept) or ".".join(str(p) for p in location)


def _causes(errors: Sequence[Any]) -> list[Any]:
    """Leave out a list's "too short" that only follows from its invalid items."""
    inside = [tuple(e.get("loc", ())) for e in errors]
    return [
        e
        for e in errors
        if not (
            e.get("type") == "too_short"
            and any(len(loc) > len(e["loc"]) and loc[: len(e["loc"])] == e["loc"] for loc in inside)
        )
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field_path(e.get("loc", ()), error.body),
                "message": e.get("msg", "invalid"),
            }
            for e in _causes(error.errors())
        ]
        fields = ", ".join(e["field"] for e in errors)
        return problem_response(
            422,
            "Invalid request",
            f"check these fields: {fields}",
            instance=request.url.path,
            field=errors[0]["field"] if errors else None,
            errors=errors,
        )

    @app.exception_handler(Problem)
    async def problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(
            error.status,
            error.title,
            error.detail,
            instance=request.url.path,
            headers=error.headers,
            field=error.field,
            **error.extra,
        )

    @app.exception_handler(DomainError)
    async def broken_rule(request: Request, error: DomainError) -> JSONResponse:
        return problem_response(
            error.status,
            type(error).__name__,
            str(error),
            instance=request.url.path,
            field=error.field,
        )

    @app.exception_handler(WrongExpectedVersion)
    async def conflict(request: Request, error: WrongExpectedVersion) -> JSONResponse:
        precondition = "if-match" in request.headers
        return problem_response(
            412 if precondition else 409,
            "Precondition failed" if precondition else "Concurrent update",
            f"{error}. Fetch the resource again and retry with its current ETag.",
            instance=request.url.path,
            current_version=error.actual,
        )

    @app.exception_handler(DuplicateEventId)
    async def duplicate(request: Request, error: DuplicateEventId) -> JSONResponse:
        return problem_response(409, "Duplicate event", str(error), instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem_response(error.status_code, str(error.detail), instance=request.url.path)
