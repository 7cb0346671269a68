"""One shape for each kind of value across the whole API: the OpenAPI document and the answers of
every GET route after full order lifecycles (with ``as_of`` too where a route takes an instant)
are walked, and fail on a timestamp without a "T" and an offset, an amount that is not a Money
object, a JSON document inside a string, or a field name that holds values of different JSON
kinds; and each answer must fit the model its route documents, field by field."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

import httpx
import pytest
import pytest_asyncio

from runtime.app import app_for
from runtime.demo import seed
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from runtime.simulate import simulate
from tests.actor_client import HeaderActors, actor_client
from tests.answer_models import documented_answers, misfits

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
OWN_VOCABULARY = {"data", "state"}
"""Fields that hold a recorded event's own data (audit entries, dead letters) or an aggregate's
folded state (``?as_of=``): their names are the event's and the domain's (an audit entry's HTTP
``status`` is a number, a state's ``invoices`` a set of ids), so the one-kind-per-name rule
stops at them; times, amounts and JSON inside strings are still checked in them."""
KNOWN_MIXED = {
    "available": "units in stock; in a routing decision (the StockReserved contract's "
    "RoutingCandidate) the units per SKU a warehouse had",
    "limit": "a page size in lists; a credit limit's Money",
    "outcome": "why an order ended (an object); what a dead letter's retry did (a text)",
}
"""Field names the API already uses for two kinds of value. Renaming them changes an event
contract or breaks clients, so they are named here; any other name holding two kinds fails."""
IDS = ("order_id", "shipment_id", "invoice_id", "supplier_id", "buyer_id", "warehouse_id",
       "carrier_id", "return_id", "address_id", "payment_id", "sku", "proposal_id")  # fmt: skip


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
            f".{name}." in f"{path}." and not path.endswith(f".{name}")
            for name in MAPS | OWN_VOCABULARY
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


class Answered(NamedTuple):
    """One real answer: the documented path it came from, the URL asked and the JSON body."""

    path: str
    url: str
    body: Any


class Lived(NamedTuple):
    client: httpx.AsyncClient
    documented: dict[str, Any]
    """``"GET /path"`` → the model the route documents."""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lived(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Lived]:
    """A seeded system after each scenario of the lifecycle ran twice."""
    world = build_world(scale=0.1)
    system = EmbeddedSystem(tmp_path_factory.mktemp("shapes"), ALL_SERVICES)
    await system.start()
    app = app_for(system)
    try:
        async with actor_client(system) as client:
            await seed(client, HeaderActors(), world)
            summary = await simulate(
                client, world, 14, 4, credentials=HeaderActors(), timeout=60,
                scenarios=["happy", "amend_accept", "partial_acceptance", "cancel",
                           "reject", "amend_decline", "out_of_stock"],
            )  # fmt: skip
            assert summary.as_dict()["unexpected"] == []
            yield Lived(client, documented_answers(app))
    finally:
        await app.state.security.close()
        await system.stop()


EACH = 20
"""Detail routes are asked for up to this many of the ids the lists showed (every scenario's
order, shipment and invoice, not only the newest)."""


def urls(path: str, ids: dict[str, list[str]]) -> list[str]:
    """``path`` with its ``{names}`` filled from ``ids``, once per known id (up to EACH)."""
    names = re.findall(r"\{([^}]+)\}", path)
    if any(name not in ids for name in names):
        return []
    count = min(EACH, max((len(ids[name]) for name in names), default=1))
    found = []
    for index in range(count):
        url = path
        for name in names:
            url = url.replace("{" + name + "}", ids[name][index % len(ids[name])])
        found.append(url)
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def answered(lived: Lived) -> list[Answered]:
    """The 200 JSON answers of every GET route as operations, detail routes filled with the
    ids the lists showed; a route that takes ``as_of`` as an instant is asked with it too."""
    document = (await lived.client.get("/openapi.json")).json()
    ids: dict[str, list[str]] = defaultdict(list)
    found: dict[str, Answered] = {}
    gets = [
        (path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method == "get" and path.startswith("/api/")
    ]
    # Lists first: they yield the ids the detail routes need.
    gets.sort(key=lambda item: item[0].count("{"))
    now = datetime.now(UTC).isoformat()
    for _ in range(2):
        for path, operation in gets:
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            params = {p["name"]: ids[p["name"]][0] for p in query
                      if p.get("required") and ids.get(p["name"])}  # fmt: skip
            variants = [params]
            if any(p["name"] == "as_of" and "date-time" in json.dumps(p) for p in query):
                variants.append({**params, "as_of": now})
            for url in urls(path, ids):
                for asked in variants:
                    response = await lived.client.get(url, params=asked, headers=OPS)
                    if response.status_code != 200 or "json" not in response.headers.get(
                        "content-type", ""
                    ):
                        continue
                    body = response.json()
                    found[str(response.url)] = Answered(path, str(response.url), body)
                    for _, key, value in walk(body):
                        if key in IDS and isinstance(value, str) and value not in ids[key]:
                            ids[key].append(value)
    return list(found.values())


async def test_the_published_schemas_give_every_amount_as_money_and_time_as_date_time(
    lived: Lived,
) -> None:
    document = (await lived.client.get("/openapi.json")).json()
    found = schema_defects(document)
    assert not found, "\n".join(found)


async def test_every_answer_after_full_lifecycles_has_one_shape_per_kind_of_value(
    answered: list[Answered],
) -> None:
    kinds: dict[str, dict[str, str]] = defaultdict(dict)
    found: list[str] = []
    for answer in answered:
        found.extend(defects(answer.body, f"GET {answer.url}", kinds))
    assert len({answer.path for answer in answered}) >= 30, answered
    assert any("as_of=" in answer.url for answer in answered), "the as_of answers were asked"
    mixed = {key: seen for key, seen in kinds.items() if len(seen) > 1 and key not in KNOWN_MIXED}
    assert not found, "\n".join(sorted(set(found)))
    assert mixed == {}, f"a field name holds values of different kinds: {json.dumps(mixed)}"


async def test_every_answer_after_full_lifecycles_fits_the_model_its_route_documents(
    lived: Lived, answered: list[Answered]
) -> None:
    """A field the model does not name, a value of another type, or an instant the model
    documents as text: the model (and its example) has drifted from the answer."""
    found = {
        re.sub(r"\[\d+\]", "[]", f"GET {answer.url} {misfit}")
        for answer in answered
        for misfit in misfits(lived.documented[f"GET {answer.path}"], answer.body)
    }
    assert not found, "\n".join(sorted(found))
