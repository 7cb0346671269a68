"""Every JSON request body of the API is validated strictly, from the OpenAPI document: a number
in a string, a boolean for an integer or a number for a date is refused, naming the field in one
path format (``lines[0].quantity``)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from shared.events.base import AMOUNT_PATTERN, DECIMAL_PATTERN
from shared.service.auth.actor import ROLES

DECIMALS = (DECIMAL_PATTERN, AMOUNT_PATTERN)
PARTY = "00000000-0000-4000-8000-000000000002"


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            if option.get("type") != "null":
                return resolve(document, option)
    return schema


def lax_probe(
    document: dict[str, Any], schema: dict[str, Any], depth: int = 0
) -> tuple[Any, str] | None:
    """A body (fragment) with one value lax validation would coerce but strict refuses, and
    the path of that value: integers and booleans first, then dates, times and decimals, then
    nested objects."""
    properties = resolve(document, schema).get("properties", {})
    found: tuple[Any, str] | None = None
    for name, prop in properties.items():
        prop = resolve(document, prop)
        kind, fmt = prop.get("type"), prop.get("format")
        if kind == "integer":
            return {name: "1"}, name
        if kind == "boolean":
            return {name: "true"}, name
        lax_text = fmt in ("date", "date-time") or prop.get("pattern") in DECIMALS
        if kind == "string" and lax_text and found is None:
            found = ({name: 0}, name)  # a date from a timestamp, a decimal from a number
    if found is not None or depth > 3:
        return found
    for name, prop in properties.items():
        prop = resolve(document, prop)
        if prop.get("type") == "array" and "items" in prop:
            inner = lax_probe(document, prop["items"], depth + 1)
            if inner is not None:
                return {name: [inner[0]]}, f"{name}[0].{inner[1]}"
        elif prop.get("type") == "object" or "properties" in prop:
            inner = lax_probe(document, prop, depth + 1)
            if inner is not None:
                return {name: inner[0]}, f"{name}.{inner[1]}"
    return None


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000001", path)


async def test_every_json_body_refuses_a_value_of_another_json_type(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    checked, lax = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            probe = lax_probe(document, content["application/json"]["schema"])
            if probe is None:
                continue
            body, name = probe
            for role in ROLES:  # as a role the route is for: refused roles never get to the body
                response = await client.request(
                    method.upper(),
                    concrete(path),
                    json=body,
                    headers={"X-Actor": f"{role}:{PARTY}"},
                )
                if "Not allowed" not in response.text:
                    break
            checked.append(f"{method.upper()} {path}")
            errors = response.json().get("errors", []) if response.status_code == 422 else []
            if name not in [e["field"] for e in errors]:
                lax.append((method.upper(), path, name, response.status_code, response.text[:200]))
    assert len(checked) >= 25, checked
    assert lax == []
