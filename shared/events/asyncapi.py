"""The AsyncAPI 3 document of every Kafka topic, generated from the event contracts.

Each service publishes its own events on ``<service>.events.v1`` (the outbox relay), one Kafka
record per event: the envelope as JSON, keyed by the order id (or the stream id when the event
belongs to no order). Every registered version of an event is a message of its topic, with its
payload schema from the same pydantic models as ``schemas/*.json``.

``python -m shared.events.asyncapi`` (``make asyncapi``) writes ``asyncapi.json`` beside this
module; ``--check`` fails when the committed document differs, and says whether a published
message changed (that needs a new schema_version plus an upcaster) or only new ones came.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from shared.events import inventory, logistics, order, payment, pricing, sourcing
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope

DOCUMENT = Path(__file__).parent / "asyncapi.json"
ASYNCAPI_VERSION = "3.0.0"
TOPIC_VERSION = "v1"
KAFKA_BINDING = "0.5.0"
_REF = "#/components/schemas/{model}"

PUBLISHERS: dict[str, tuple[type[DomainEvent], ...]] = {
    "order": order.EVENTS,
    "pricing": pricing.EVENTS,
    "inventory": inventory.EVENTS,
    "logistics": logistics.EVENTS,
    "payment": payment.EVENTS,
    "sourcing": sourcing.EVENTS,
}
"""Which service's topic carries which events (the security audit trail is not on Kafka)."""


def message_name(model: type[DomainEvent]) -> str:
    """``OrderPlaced.v1``: the message (and its payload schema) of one event version."""
    return f"{model.event_type}.v{model.schema_version}"


def _topic(service: str) -> str:
    return f"{service}.events.{TOPIC_VERSION}"


def _schemas() -> tuple[dict[str, Any], dict[type[DomainEvent], str]]:
    """Every event's schema and the envelope's under components/schemas, by name."""
    models = [m for events in PUBLISHERS.values() for m in events]
    everything: list[type[BaseModel]] = [Envelope, *models]
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "serialization") for m in everything
    ]
    refs, found = models_json_schema(wanted, ref_template=_REF)
    schemas: dict[str, Any] = _asyncapi_discriminators(found.get("$defs", {}))
    names: dict[type[DomainEvent], str] = {}
    for model in models:
        reference = refs[(model, "serialization")]["$ref"]
        names[model] = reference.rsplit("/", 1)[-1]
    envelope = schemas["Envelope"]
    envelope["properties"]["event"] = {
        "type": "object",
        "description": "The event's data: its schema is the message's (event_type, schema_version)",
    }
    return schemas, names


def _asyncapi_discriminators(node: Any) -> Any:
    """AsyncAPI's ``discriminator`` names the property (OpenAPI's is an object with a mapping)."""
    if isinstance(node, dict):
        found = {k: _asyncapi_discriminators(v) for k, v in node.items()}
        if isinstance(found.get("discriminator"), dict):
            found["discriminator"] = found["discriminator"]["propertyName"]
        return found
    if isinstance(node, list):
        return [_asyncapi_discriminators(item) for item in node]
    return node


def _payload(model: type[DomainEvent], schema_name: str) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "properties": {
                    "event_type": {"const": model.event_type},
                    "schema_version": {"const": model.schema_version},
                    "event": {"$ref": _REF.format(model=schema_name)},
                },
            },
        ]
    }


def _message(model: type[DomainEvent], schema_name: str) -> dict[str, Any]:
    summary = (model.__doc__ or model.event_type).strip().splitlines()[0]
    return {
        "name": message_name(model),
        "title": f"{model.event_type} (version {model.schema_version})",
        "summary": summary,
        "contentType": "application/json",
        "payload": _payload(model, schema_name),
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": "the order id (correlation id) when the event belongs to an "
                    "order, else the stream id: one key's events keep their order",
                },
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def document() -> dict[str, Any]:
    """The whole AsyncAPI 3 document."""
    schemas, names = _schemas()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for service, events in PUBLISHERS.items():
        channel_messages = {}
        for model in events:
            name = message_name(model)
            messages[name] = _message(model, names[model])
            channel_messages[name] = {"$ref": f"#/components/messages/{name}"}
        channels[service] = {
            "address": _topic(service),
            "title": f"{service} events",
            "description": f"Every event the {service} service stored, in commit order per key.",
            "messages": channel_messages,
            "bindings": {"kafka": {"topic": _topic(service), "bindingVersion": KAFKA_BINDING}},
        }
        operations[f"publish-{service}-events"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{service}"},
            "summary": f"The {service} service's outbox relay publishes what its store commits.",
            "messages": [
                {"$ref": f"#/channels/{service}/messages/{name}"} for name in channel_messages
            ],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "B2B ordering platform events",
            "version": "1.0.0",
            "description": (
                "The events the five services publish on Kafka. A record's value is the event's "
                "envelope as JSON; `event` holds the data of (`event_type`, `schema_version`). "
                "A published version never changes: a new contract is a new schema_version, and "
                "consumers get old versions upcast when they read through the registry."
            ),
            "license": {"name": "Apache-2.0"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "description": "Topic names carry the deployment's namespace as a prefix.",
                "variables": {"bootstrap": {"default": "127.0.0.1:9092"}},
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render(found: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(found, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def drift(stored: dict[str, Any], expected: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(messages whose published payload changed, messages missing from ``stored``)."""
    old = stored.get("components", {}).get("messages", {})
    new = expected["components"]["messages"]
    old_schemas = stored.get("components", {}).get("schemas", {})
    new_schemas = expected["components"]["schemas"]
    changed = []
    for name, message in new.items():
        if name not in old:
            continue
        ref = message["payload"]["allOf"][1]["properties"]["event"]["$ref"].rsplit("/", 1)[-1]
        before = old_schemas.get(ref)
        if before is not None and _closure(before, old_schemas) != _closure(
            new_schemas[ref], new_schemas
        ):
            changed.append(name)
    return changed, sorted(set(new) - set(old))


def _closure(schema: Any, schemas: dict[str, Any], seen: set[str] | None = None) -> Any:
    """The schema with its references inlined (each once), to compare what a message means."""
    seen = set() if seen is None else seen
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return {"$ref": name}
            return _closure(schemas.get(name), schemas, seen | {name})
        return {k: _closure(v, schemas, seen) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_closure(item, schemas, seen) for item in schema]
    return schema


def main(argv: Sequence[str] | None = None, path: Path = DOCUMENT) -> int:
    """Write the document; with ``--check`` write nothing and fail on any difference."""
    parser = argparse.ArgumentParser(prog="python -m shared.events.asyncapi")
    parser.add_argument("--check", action="store_true", help="write nothing; fail on a difference")
    parser.add_argument("--force", action="store_true", help="write even a changed message")
    args = parser.parse_args(argv)
    expected = document()
    text = render(expected)
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current == text:
        print(f"{path.name} is up to date")
        return 0
    changed, added = drift(json.loads(current) if current else {}, expected)
    for name in changed:
        print(
            f"{name}: this published message's payload changed. Keep its schema: add a new "
            "schema_version to the event plus an upcaster (shared.events.catalog.UPCASTERS)",
            file=sys.stderr,
        )
    if (changed and not args.force) or args.check:
        if args.check and not changed:
            print(
                f"{path.name} is out of date ({len(added)} new messages); run `make asyncapi`",
                file=sys.stderr,
            )
        return 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.name} ({len(expected['components']['messages'])} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
