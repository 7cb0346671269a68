"""The gateway's prefix map (deploy/local/gateway/routes.txt) sends every API path to its owner."""

from __future__ import annotations

import re
from pathlib import Path
from unittest.mock import MagicMock

from fastapi import FastAPI

from runtime.services import ALL_SERVICES
from shared.service.definition import ServiceContext

ROUTES = Path(__file__).resolve().parents[2] / "deploy/local/gateway/routes.txt"


def _owner(path: str, lines: list[list[str]]) -> str | None:
    concrete = re.sub(r"\{[^}]+\}", "x", path)
    for parts in lines:
        if parts[0] == "~" and re.match(parts[1], concrete):
            return parts[2]
    prefixes = [p for p in lines if p[0] != "~" and concrete.startswith(p[0])]
    return max(prefixes, key=lambda p: len(p[0]))[1] if prefixes else None


def test_every_api_path_is_routed_to_the_service_that_serves_it() -> None:
    lines = [
        line.split()
        for line in ROUTES.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    wrong = []
    for definition in ALL_SERVICES:
        context = ServiceContext(
            name=definition.name, store=MagicMock(), engine=MagicMock(), idempotency=MagicMock()
        )
        app = FastAPI()
        router = definition.build(context).router
        assert router is not None
        app.include_router(router)
        for path in app.openapi()["paths"]:
            if _owner(path, lines) != definition.name:
                wrong.append((path, definition.name, _owner(path, lines)))
    assert wrong == []
