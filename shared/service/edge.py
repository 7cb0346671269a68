"""The command edge: where an HTTP request becomes a command, declared once per route.

A route declares its method and path, the roles that may call it and how to build and send its
command; the edge does everything else the same way for every service: who is calling,
Idempotency-Key (one scope format, one fingerprint rule), If-Match, the answer with its ETag,
and problem+json for what goes wrong. The access policy is read from these declarations
(``shared.service.auth.access``), so the roles of a route are written in one place.

    edge = Edge("order", context.idempotency)

    @edge.command("POST", "/orders/{order_id}/confirm", roles=(SUPPLIER, OPS), versioned=True)
    async def confirm_order(call: Call, order_id: UUID, body: ConfirmIn) -> Accepted:
        ...
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.service.api import (
    ActorDep,
    CommandAccepted,
    IdempotencyKeyDep,
    IfMatchDep,
)
from shared.service.auth.access import allow
from shared.service.auth.actor import Actor
from shared.service.auth.dependencies import PrincipalDep
from shared.service.context import CommandContext
from shared.service.errors import PROBLEM_JSON
from shared.service.idempotency import IdempotencyStore, StoredResponse
from shared.service.openapi_models import Accepted as AcceptedAnswer
from shared.service.repository import CommandResult


@dataclass(frozen=True)
class Call:
    """What the edge knows of a command request besides its path and body."""

    actor: Actor
    expected_version: int | None = None
    """The If-Match version of a ``versioned`` route (None: any)."""
    key: str | None = None
    """The request's Idempotency-Key (some ids are derived from it)."""
    person: str = ""
    """Who in the party sends it: the log-in name of a user's token or session, the key id of
    an API key ("" when the credential names no one)."""

    def context(self, correlation_id: UUID | None = None) -> CommandContext:
        return CommandContext(actor=str(self.actor), correlation_id=correlation_id)


@dataclass(frozen=True)
class Accepted:
    """A command that was decided and appended: answered with its stream version and position."""

    aggregate_id: object
    result: CommandResult
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """Any other answer a command route gives (kept for its Idempotency-Key like the rest)."""

    status: int
    body: Any


Handler = Callable[..., Awaitable[Accepted | Answer]]
H = TypeVar("H", bound=Handler)
R = TypeVar("R", bound=Callable[..., Any])


@dataclass(frozen=True)
class CommandRoute:
    """How a command handler is reached: method, path, roles and what it answers."""

    method: str
    path: str
    roles: tuple[str, ...]
    status: int = 200
    versioned: bool = False
    webhook: bool = False
    rate: str | None = None
    answer: Any = AcceptedAnswer
    summary: str | None = None


@dataclass(frozen=True)
class QueryRoute:
    """How any other route is reached: its roles, and FastAPI's own options."""

    method: str
    path: str
    roles: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)


_DECLARED = "__edge_route__"


def command(
    method: str,
    path: str,
    *,
    roles: Sequence[str],
    status: int = 200,
    versioned: bool = False,
    webhook: bool = False,
    rate: str | None = None,
    answer: Any = AcceptedAnswer,
    summary: str | None = None,
) -> Callable[[H], H]:
    """Declare a command route on a handler (a function, or a method of a route class). The
    handler takes a ``Call`` first, then the route's path parameters and body by name, and
    returns ``Accepted`` (or an ``Answer``); ``answer`` is the model the OpenAPI document shows."""
    route = CommandRoute(
        method, path, tuple(roles), status, versioned, webhook, rate, answer, summary
    )
    return _declare(route)


def query(
    path: str, *, roles: Sequence[str], method: str = "GET", **options: Any
) -> Callable[[R], R]:
    """Declare any other route (reads, uploads): its roles, and FastAPI's own options."""
    return _declare(QueryRoute(method, path, tuple(roles), options))


def _declare(route: CommandRoute | QueryRoute) -> Callable[[R], R]:
    def mark(handler: R) -> R:
        setattr(handler, _DECLARED, route)
        return handler

    return mark


class Edge:
    """One service's routes: commands through one shared path, queries with their roles."""

    def __init__(
        self,
        service: str,
        idempotency: IdempotencyStore,
        *,
        prefix: str = "/api/v1",
        tags: Sequence[str] | None = None,
    ) -> None:
        self.service = service
        self.idempotency = idempotency
        self.router = APIRouter(prefix=prefix, tags=list(tags or [service]))

    def include(self, handlers: object) -> APIRouter:
        """Add every declared route of ``handlers`` (an object whose methods carry
        ``@command``/``@query``), in the order they are written; the router."""
        seen: set[str] = set()
        for cls in type(handlers).__mro__:
            for name, member in vars(cls).items():
                route = getattr(member, _DECLARED, None)
                if route is not None and name not in seen:
                    seen.add(name)
                    self.add(getattr(handlers, name), route)
        return self.router

    def add(self, handler: Callable[..., Any], route: CommandRoute | QueryRoute) -> None:
        if isinstance(route, QueryRoute):
            extra = allow(*route.roles, rate=route.options.get("rate"))
            options = {k: v for k, v in route.options.items() if k != "rate"}
            self.router.add_api_route(
                route.path, handler, methods=[route.method], openapi_extra=extra, **options
            )
            return
        self.router.add_api_route(
            route.path,
            _endpoint(self, handler, route.status, route.versioned),
            methods=[route.method],
            status_code=route.status,
            response_model=None,
            responses={
                route.status: {"model": route.answer, "description": "The command was accepted"}
            },
            summary=route.summary,
            name=handler.__name__,
            openapi_extra=allow(*route.roles, webhook=route.webhook, rate=route.rate),
        )

    def command(self, method: str, path: str, **declared: Any) -> Callable[[H], H]:
        """``@edge.command(...)``: declare and add a command route at once."""

        def add(handler: H) -> H:
            self.add(handler, getattr(command(method, path, **declared)(handler), _DECLARED))
            return handler

        return add

    def query(self, path: str, **declared: Any) -> Callable[[R], R]:
        """``@edge.query(...)``: declare and add any other route at once."""

        def add(handler: R) -> R:
            self.add(handler, getattr(query(path, **declared)(handler), _DECLARED))
            return handler

        return add


def _endpoint(edge: Edge, handler: Handler, status: int, versioned: bool) -> Callable[..., Any]:
    """A FastAPI endpoint with the handler's parameters plus the actor, If-Match and key."""
    hints = typing.get_type_hints(handler, include_extras=True)
    own = list(inspect.signature(handler).parameters.values())[1:]  # after the Call
    names = [p.name for p in own]
    parameters = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(p.name, p.annotation))
        for p in own
    ]
    parameters.append(_keyword("edge_actor", ActorDep))
    parameters.append(_keyword("edge_principal", PrincipalDep))
    if versioned:
        parameters.append(_keyword("edge_if_match", IfMatchDep))
    parameters.append(_keyword("edge_key", IdempotencyKeyDep, default=None))
    scope_prefix = f"{edge.service}:{handler.__name__}:"

    async def endpoint(**arguments: Any) -> JSONResponse:
        actor: Actor = arguments.pop("edge_actor")
        principal = arguments.pop("edge_principal")
        key: str | None = arguments.pop("edge_key")
        person = principal.subject if principal is not None else ""
        call = Call(actor, arguments.pop("edge_if_match", None), key, person)

        async def action() -> tuple[int, Any]:
            answer = await handler(call, **arguments)
            if isinstance(answer, Answer):
                return answer.status, answer.body
            accepted = CommandAccepted(
                id=str(answer.aggregate_id),
                stream_version=answer.result.stream_version,
                position=answer.result.position,
                events=[event.event_type for event in answer.result.events],
            )
            return status, {**accepted.model_dump(), **answer.extra}

        fingerprint = {name: _plain(arguments[name]) for name in names} if key else None
        stored = await edge.idempotency.run(scope_prefix + str(actor), key, fingerprint, action)
        return respond(stored)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return endpoint


def _keyword(name: str, annotation: Any, **default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, **default)


def _plain(value: Any) -> Any:
    """A value as it goes into the request fingerprint (JSON-like, stable)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def respond(stored: StoredResponse) -> JSONResponse:
    """A (possibly replayed) answer: an ETag for a stream version, problem+json for an error."""
    body = stored.body
    headers = {}
    if isinstance(body, dict) and "stream_version" in body:
        headers["ETag"] = f'"{body["stream_version"]}"'
    if stored.replayed:
        headers["Idempotent-Replayed"] = "true"
    media_type = PROBLEM_JSON if stored.status >= 400 else None
    return JSONResponse(body, status_code=stored.status, headers=headers, media_type=media_type)
