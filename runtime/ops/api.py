"""Operators over HTTP: dead letters (list, show, retry) and projection lag, as the CLI shows them.

Mounted by the embedded runtime, where one process holds every service's stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from runtime.ops.answers import DeadLetter, ProjectionLag, RetryOut
from runtime.ops.dead_letters import DeadLetterNotFound, list_letters, retry_letter, show_letter
from runtime.ops.deployment import Deployment
from runtime.ops.status import projection_status
from shared.service.auth.access import ANALYST, OPS, allow
from shared.service.errors import Problem
from shared.service.openapi_models import answers


def ops_router(deployment: Callable[[], Deployment]) -> APIRouter:
    router = APIRouter(prefix="/api/v1/ops", tags=["operations"])

    @router.get("/dead-letters", openapi_extra=allow(OPS), **answers(list[DeadLetter]))
    async def dead_letters() -> list[dict[str, Any]]:
        """Every service's dead letters (``b2b dead-letters list``)."""
        return await list_letters(deployment())

    @router.get("/dead-letters/{letter_id}", openapi_extra=allow(OPS), **answers(DeadLetter))
    async def dead_letter(letter_id: str) -> dict[str, Any]:
        """One dead letter with its event data and the full error (``service:number``)."""
        try:
            return await show_letter(deployment(), letter_id)
        except DeadLetterNotFound as error:
            raise Problem(404, "Dead letter not found", str(error.args[0])) from error

    @router.post("/dead-letters/{letter_id}/retry", openapi_extra=allow(OPS), **answers(RetryOut))
    async def retry(letter_id: str) -> dict[str, str]:
        """Hand the event to its consumer again; on success the dead letter is removed (so a
        second retry of the same letter answers 404: it is safe to send twice)."""
        try:
            outcome = await retry_letter(deployment(), letter_id)
        except DeadLetterNotFound as error:
            raise Problem(404, "Dead letter not found", str(error.args[0])) from error
        except Exception as error:  # the consumer failed again: the letter stays
            raise Problem(
                409,
                "Retry failed",
                f"{type(error).__name__}: {error}; the dead letter is kept — fix the cause "
                "(or the consumer) and retry again",
            ) from error
        return {"retried": letter_id, "outcome": outcome}

    @router.get("/projections", openapi_extra=allow(ANALYST, OPS), **answers(list[ProjectionLag]))
    async def projections() -> list[dict[str, Any]]:
        """Each projection's version, positions, lag and dead letters (``b2b projections``)."""
        return [status.as_json() for status in await projection_status(deployment())]

    return router
