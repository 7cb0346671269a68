"""One shape for each kind of value across the whole API: the OpenAPI document and the answers of
every GET route after full order lifecycles are walked, and fail on a timestamp without a "T" and
an offset, an amount that is not a Money object, a JSON document inside a string, or a field name
that holds values of different JSON kinds."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from runtime.demo import seed
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.simulate import simulate
from tests.actor_client import actor_client

pytestmark = pytest.mark.asyncio(loop_scope="module")
OPS = {"X-Actor": "operations:shapes"}

AMOUNTS = {
    "amount", "total", "lines_total", "unit_price", "list_price", "cost_price",
    "list_unit_price", "net_unit_price", "line_total", "unit_amount", "amount_off",
    "min_order_total", "max_order_total", "open_amount", "credited", "refunded", "open",
    "current", "days_1_30", "days_31_60", "days_60_plus",
}  # fmt: skip
"""Field names that hold an amount of money wherever they appear."""

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
MAPS = {"positions", "heads"}
"""Fields whose keys are data (a source's name), not field names."""
IDS = ("order_id", "shipment_id", "invoice_id", "supplier_id", "buyer_id", "warehouse_id",
       "carrier_id", "return_id", "address_id", "payment_id", "sku", "proposal_id")  # fmt: skip


class HeaderActors:
    async def headers(self, actor: str) -> dict[str, str]:
        return {"X-Actor": actor}


def is_money(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"amount", "currency"}
        and isinstance(value["amount"], str)
        and isinstance(value["currency"], str)
    )


def walk(node: Any, path: str = "$") -> Iterator[tuple[str, str | None, Any]]:
    """(path, key, value) of every value in a JSON document; a Money object's own fields are
    not walked (its amount is the decimal string)."""
    if isinstance(node, dict) and not is_money(node):
        for key, value in node.items():
            yield f"{path}.{key}", key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield f"{path}[{index}]", None, value
            yield from walk(value, f"{path}[{index}]")


def kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "number"
    )


def defects(answer: Any, where: str, kinds: dict[str, dict[str, str]]) -> list[str]:
    found = []
    for path, key, value in walk(answer):
        at = f"{where} {path}"
        if isinstance(value, str) and TIMESTAMP.match(value) and not WITH_OFFSET.match(value):
            found.append(f"{at}: timestamp without T and offset: {value!r}")
        if isinstance(value, str) and value[:1] in "{[" and value[-1:] in "}]":
            try:
                json.loads(value)
                found.append(f"{at}: a JSON document inside a string: {value[:60]!r}")
            except ValueError:
                pass
        if key in AMOUNTS and value is not None and not is_money(value):
            found.append(f"{at}: an amount that is not a Money object: {value!r}")
        inside_map = any(
            f".{name}." in f"{path}." and not path.endswith(f".{name}") for name in MAPS
        )
        if key is not None and value is not None and not inside_map:
            kinds[key].setdefault(kind(value), at)
    return found


def schema_defects(document: dict[str, Any]) -> list[str]:
    """In every published schema, an amount-named property is a Money object and a property
    named ``*_at`` a date-time string."""
    found = []
    schemas = document.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        for prop, spec in schema.get("properties", {}).items():
            text = json.dumps(spec)
            if prop in AMOUNTS and name != "Money" and "#/components/schemas/Money" not in text:
                found.append(f"OpenAPI {name}.{prop}: an amount that is not a Money object")
            if prop.endswith("_at") and '"date-time"' not in text:
                found.append(f"OpenAPI {name}.{prop}: a timestamp that is not a date-time")
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lived(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    """A seeded system after each scenario of the lifecycle ran twice."""
    world = build_world(scale=0.1)
    system = EmbeddedSystem(tmp_path_factory.mktemp("shapes"), ALL_SERVICES)
    await system.start()
    try:
        async with actor_client(system) as client:
            await seed(client, HeaderActors(), world)
            summary = await simulate(
                client, world, 14, 4, credentials=HeaderActors(), timeout=60,
                scenarios=["happy", "amend_accept", "partial_acceptance", "cancel",
                           "reject", "amend_decline", "out_of_stock"],
            )  # fmt: skip
            assert summary.as_dict()["unexpected"] == []
            yield client
    finally:
        await system.stop()


async def test_the_published_schemas_give_every_amount_as_money_and_time_as_date_time(
    lived: httpx.AsyncClient,
) -> None:
    document = (await lived.get("/openapi.json")).json()
    found = schema_defects(document)
    assert not found, "\n".join(found)


async def test_every_answer_after_full_lifecycles_has_one_shape_per_kind_of_value(
    lived: httpx.AsyncClient,
) -> None:
    document = (await lived.get("/openapi.json")).json()
    ids: dict[str, str] = {}
    kinds: dict[str, dict[str, str]] = defaultdict(dict)
    found: list[str] = []
    gets = [
        (path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method == "get" and path.startswith("/api/")
    ]
    # Lists first: they yield the ids the detail routes need.
    gets.sort(key=lambda item: item[0].count("{"))
    answered = 0
    for _ in range(2):
        for path, operation in gets:
            url = path
            for name in re.findall(r"\{([^}]+)\}", path):
                if name not in ids:
                    break
                url = url.replace("{" + name + "}", ids[name])
            if "{" in url:
                continue
            params = {
                p["name"]: ids[p["name"]]
                for p in operation.get("parameters", [])
                if p.get("in") == "query" and p.get("required") and p["name"] in ids
            }
            response = await lived.get(url, params=params, headers=OPS)
            if response.status_code != 200 or "json" not in response.headers["content-type"]:
                continue
            answered += 1
            body = response.json()
            found.extend(defects(body, f"GET {path}", kinds))
            for _, key, value in walk(body):
                if key in IDS and isinstance(value, str) and key not in ids:
                    ids[key] = value
    assert answered >= 30, answered
    mixed = {key: seen for key, seen in kinds.items() if len(seen) > 1}
    assert not found, "\n".join(sorted(set(found)))
    assert mixed == {}, "a field name holds values of different kinds"
