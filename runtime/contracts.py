"""Published machine-readable contracts beside the OpenAPI document: ``/asyncapi.json``."""

from __future__ import annotations

from functools import cache

from fastapi import FastAPI
from fastapi.responses import Response

from shared.events.asyncapi import DOCUMENT


@cache
def _asyncapi() -> bytes:
    return DOCUMENT.read_bytes()


def install_contract_documents(app: FastAPI) -> None:
    """Serve the committed AsyncAPI 3 document of every Kafka topic (``make asyncapi``)."""

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> Response:
        return Response(_asyncapi(), media_type="application/json")
