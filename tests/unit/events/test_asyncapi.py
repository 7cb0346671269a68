"""The AsyncAPI document: committed as generated, valid AsyncAPI 3, and true to the wire."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.events.asyncapi import DOCUMENT, PUBLISHERS, document, drift, main, message_name
from shared.events.envelope import Envelope
from shared.messaging.kafka.wire import encode
from tests.unit.events.strategies import instances

SPEC = Path(__file__).parent / "vendor" / "asyncapi-3.0.0-without-id.json"
"""AsyncAPI 3.0.0's JSON Schema from npm ``@asyncapi/specs`` 6.11.1 (see vendor/README.md)."""

GENERATED = document()


def test_the_committed_document_is_the_generated_one() -> None:
    stored = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    changed, added = drift(stored, GENERATED)
    assert changed == [], (
        f"published messages changed: {changed}. Keep each published version as it is: add a new "
        "schema_version plus an upcaster, then run `make asyncapi`"
    )
    assert added == [], f"run `make asyncapi` and commit shared/events/asyncapi.json ({added})"
    assert stored == GENERATED, "run `make asyncapi` and commit shared/events/asyncapi.json"


def test_the_document_is_valid_asyncapi_3() -> None:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    validator = jsonschema_rs.Draft7Validator(spec)
    found = validator.iter_errors(GENERATED)
    errors = [f"{list(e.instance_path)}: {e.message[:200]}" for e in found]
    assert errors == []


def test_the_schema_refuses_a_broken_document() -> None:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    broken = copy.deepcopy(GENERATED)
    broken["operations"]["publish-order-events"]["action"] = "publish"  # AsyncAPI 2 wording
    assert not jsonschema_rs.Draft7Validator(spec).is_valid(broken)


def test_every_published_event_is_a_message_of_its_services_topic() -> None:
    for service, events in PUBLISHERS.items():
        channel = GENERATED["channels"][service]
        assert channel["address"] == f"{service}.events.v1"
        assert set(channel["messages"]) == {message_name(m) for m in events}


def _payload_validator(name: str) -> Any:
    root = {**GENERATED, "$ref": f"#/components/messages/{name}/payload"}
    return jsonschema_rs.Draft202012Validator(root)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_relayed_record_validates_against_its_message(data: st.DataObject) -> None:
    service = data.draw(st.sampled_from(sorted(PUBLISHERS)))
    model = data.draw(st.sampled_from(PUBLISHERS[service]))
    event = data.draw(instances(model))
    envelope = Envelope(
        event_id=uuid4(),
        event_type=model.event_type,
        schema_version=model.schema_version,
        stream_id=f"x-{uuid4()}",
        stream_version=1,
        position=1,
        occurred_at=datetime.now(UTC),
        event=event,
    )
    record = json.loads(encode(envelope))
    validator = _payload_validator(message_name(model))
    assert validator.is_valid(record), [e.message for e in validator.iter_errors(record)][:3]


def test_a_record_of_another_event_is_refused_by_a_message() -> None:
    [placed] = [m for m in PUBLISHERS["order"] if m.event_type == "OrderCompleted"]
    record = {
        "event_id": str(uuid4()),
        "event_type": "OrderCancelled",
        "schema_version": 1,
        "stream_id": "order-1",
        "stream_version": 2,
        "position": 9,
        "occurred_at": "2026-01-01T00:00:00Z",
        "correlation_id": None,
        "causation_id": None,
        "actor": None,
        "event": {"order_id": str(uuid4())},
    }
    assert not _payload_validator(message_name(placed)).is_valid(record)


def test_a_changed_published_contract_fails_the_check(tmp_path: Path) -> None:
    stored = copy.deepcopy(GENERATED)
    schemas = stored["components"]["schemas"]
    schemas["OrderCompleted"]["properties"]["order_id"]["format"] = "date"
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert drift(stored, GENERATED)[0] == ["OrderCompleted.v1"]
    assert main(["--check"], path) == 1
    assert main([], path) == 1, "a changed published message is not overwritten without --force"


def test_a_new_version_only_asks_for_a_regeneration(tmp_path: Path) -> None:
    stored = copy.deepcopy(GENERATED)
    del stored["components"]["messages"]["OrderCompleted.v1"]
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert drift(stored, GENERATED) == ([], ["OrderCompleted.v1"])
    assert main(["--check"], path) == 1
    assert main([], path) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == GENERATED


@pytest.mark.parametrize("name", ["OrderPlaced.v1", "InvoiceIssued.v1", "StockReceived.v1"])
def test_messages_carry_the_kafka_key(name: str) -> None:
    message = GENERATED["components"]["messages"][name]
    assert message["bindings"]["kafka"]["key"]["type"] == "string"
