"""Every operation of the OpenAPI document names the model of its success answer (with an
example), so that an integrator can generate a client from the document."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem

FILES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _model(schema: dict[str, Any] | None) -> str | None:
    """The component a success schema names (directly or as the items of an array)."""
    if not schema:
        return None
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return _model(schema.get("items"))
    return None


def answers(document: dict[str, Any]) -> dict[str, list[str]]:
    """Operation → the models of its 2xx answers (``file`` for a download)."""
    found: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            models = []
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                if status == "204":
                    models.append("no content")
                for media, content in response.get("content", {}).items():
                    if media in FILES:
                        models.append("file")
                    elif (name := _model(content.get("schema"))) is not None:
                        models.append(name)
            found[f"{method.upper()} {path}"] = models
    return found


def without_model(document: dict[str, Any]) -> list[str]:
    return sorted(op for op, models in answers(document).items() if not models)


def without_example(document: dict[str, Any]) -> list[str]:
    schemas = document["components"]["schemas"]
    found = answers(document).values()
    named = {m for models in found for m in models if m not in ("file", "no content")}
    return sorted(
        m for m in named if not schemas[m].get("examples") and not schemas[m].get("example")
    )


async def test_every_operation_documents_its_success_model(system: EmbeddedSystem) -> None:
    app = app_for(system)
    try:
        document = app.openapi()
        assert len(document["paths"]) > 80
        assert without_model(document) == [], "declare the answer: **answers(Model) on the route"
        assert without_example(document) == [], "give these answer models an example"
    finally:
        await app.state.security.close()


def test_the_check_finds_an_operation_without_a_model() -> None:
    app = FastAPI()

    @app.get("/api/v1/loose")
    async def loose() -> dict[str, Any]:
        return {}

    assert without_model(app.openapi()) == ["GET /api/v1/loose"]


async def test_the_served_document_is_the_checked_one(client: httpx.AsyncClient) -> None:
    served = (await client.get("/openapi.json")).json()
    assert without_model(served) == []
