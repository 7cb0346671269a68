"""Helpers every service's router uses: actor, If-Match, Idempotency-Key, command answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.service.errors import Problem
from shared.service.idempotency import StoredResponse
from shared.service.repository import CommandResult

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')
_ACTOR = re.compile(
    r"^(buyer|supplier|warehouse|carrier|bank|operations|analyst|system):[\w.@:-]{1,100}$"
)


@dataclass(frozen=True)
class Actor:
    """Who sends a request: a role and the party it acts for (``buyer:<company id>``)."""

    role: str
    party: str

    def __str__(self) -> str:
        return f"{self.role}:{self.party}"


def _actor(
    x_actor: Annotated[str | None, Header(description="role:party, e.g. buyer:<id>")] = None,
) -> Actor:
    if x_actor is None:
        return Actor("operations", "anonymous")
    if not _ACTOR.match(x_actor):
        raise Problem(
            422,
            "Invalid X-Actor header",
            "use role:party, e.g. buyer:<company id>",
            field="X-Actor",
        )
    role, party = x_actor.split(":", 1)
    return Actor(role, party)


ActorDep = Annotated[Actor, Depends(_actor)]


def _if_match(
    if_match: Annotated[str | None, Header(description='expected version, e.g. "3"')] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match.strip())
    if not found:
        raise Problem(
            422, "Invalid If-Match header", 'send the ETag you read, e.g. "3"', field="If-Match"
        )
    return int(found.group(1))


IfMatchDep = Annotated[int | None, Depends(_if_match)]

IdempotencyKeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="repeat a POST safely: same key + same body → same answer",
    ),
]

MinPositionDep = Annotated[
    int,
    Query(ge=0, description="wait (up to 5 s) until the read model includes this store position"),
]


class CommandAccepted(BaseModel):
    """The answer to a command: the aggregate, its new version (ETag) and the store position."""

    id: str
    stream_version: int
    position: int
    events: list[str]


def accepted(aggregate_id: object, result: CommandResult) -> tuple[int, dict[str, Any]]:
    body = CommandAccepted(
        id=str(aggregate_id),
        stream_version=result.stream_version,
        position=result.position,
        events=[event.event_type for event in result.events],
    )
    return 200, body.model_dump()


def respond(stored: StoredResponse, status: int | None = None) -> JSONResponse:
    """Turn a (possibly replayed) command answer into a response with an ETag."""
    body = stored.body
    headers = {}
    if isinstance(body, dict) and "stream_version" in body:
        headers["ETag"] = f'"{body["stream_version"]}"'
    if stored.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status or stored.status, headers=headers)
