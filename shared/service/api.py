"""Helpers every service's router uses: actor, If-Match, Idempotency-Key, command answers."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any

from fastapi import Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.service.auth.actor import Actor as Actor
from shared.service.auth.actor import Principal
from shared.service.auth.dependencies import PrincipalDep, current_actor
from shared.service.errors import Problem
from shared.service.idempotency import StoredResponse
from shared.service.repository import CommandResult

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')

ActorDep = Annotated[Actor, Depends(current_actor)]
"""The authenticated acting party (bearer token, API key, signed webhook or portal session)."""


async def _if_match(
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


def webhook_idempotency_key(principal: Principal | None) -> str | None:
    """A signed webhook's retries share its ``webhook-id``: the key that answers them as before."""
    if principal is None or principal.via != "webhook" or not principal.message_id:
        return None
    key = f"webhook:{principal.subject}:{principal.message_id}"
    if len(key) > 200:
        digest = hashlib.sha256(principal.message_id.encode()).hexdigest()
        key = f"webhook:{principal.subject}:sha256:{digest}"
    return key


async def _idempotency_key(
    principal: PrincipalDep,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="repeat a POST safely: same key + same body → same answer "
            "(a signed webhook without one uses its webhook-id)",
        ),
    ] = None,
) -> str | None:
    return key if key is not None else webhook_idempotency_key(principal)


IdempotencyKeyDep = Annotated[str | None, Depends(_idempotency_key)]
"""The request's Idempotency-Key; for a signed webhook without one, derived from its id."""

MAX_POSITION = 2**63 - 1
"""Store positions are signed 64-bit integers."""

MinPositionDep = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_POSITION,
        description="wait (up to 5 s) until the read model includes this store position",
    ),
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
