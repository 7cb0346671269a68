"""FastAPI's per-request question (is this parameter a sequence?) answered from a cache gives
the answers FastAPI's own introspection gives, and query parameters still parse as before."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import httpx
from fastapi import FastAPI, Query
from fastapi._compat import shared

from shared.service.fastapi_speedups import field_annotation_is_sequence, install

ANNOTATIONS: list[Any] = [
    int,
    str,
    bytes,
    list[int],
    Optional[list[str]],  # noqa: UP045 (the typing spelling is a different object)
    set[int] | None,
    tuple[str, ...],
    dict[str, int],
    int | str,
    None,
    [int],  # not hashable: asked every time, same answer
]


def test_the_cached_answers_are_fastapis() -> None:
    for annotation in ANNOTATIONS:
        expected = shared.field_annotation_is_sequence(annotation)
        assert field_annotation_is_sequence(annotation) == expected, annotation
        assert field_annotation_is_sequence(annotation) == expected, annotation  # from cache


async def test_query_parameters_parse_as_before_once_installed() -> None:
    install()
    app = FastAPI()

    @app.get("/items")
    async def items(
        tag: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
        limit: int = 10,
        name: str | None = None,
    ) -> dict[str, Any]:
        return {"tag": tag, "limit": limit, "name": name}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/items", params=[("tag", "a"), ("tag", "b"), ("limit", "3")])
        assert answer.json() == {"tag": ["a", "b"], "limit": 3, "name": None}
        assert (await client.get("/items")).json() == {"tag": [], "limit": 10, "name": None}
        assert (await client.get("/items?limit=x")).status_code == 422
