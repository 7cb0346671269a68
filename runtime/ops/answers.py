"""What the runtime's operations and health routes answer, as documented in the OpenAPI
document (see shared/service/openapi_models.py): every field optional, unknown fields allowed.
The examples are real answers of a seeded system."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class HealthServicesOrder(Answer):
    """One service's event store: reachable (``ok``) and its head position."""

    store: str | None = None
    head_position: int | None = None


class HealthServices(Answer):
    order: HealthServicesOrder | None = None
    pricing: HealthServicesOrder | None = None
    inventory: HealthServicesOrder | None = None
    logistics: HealthServicesOrder | None = None
    payment: HealthServicesOrder | None = None


class HealthAnswer(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "ok",
                    "mode": "embedded",
                    "services": {
                        "order": {"store": "ok", "head_position": 748},
                        "pricing": {"store": "ok", "head_position": 189},
                        "inventory": {"store": "ok", "head_position": 664},
                        "logistics": {"store": "ok", "head_position": 595},
                        "payment": {"store": "ok", "head_position": 159},
                    },
                }
            ]
        }
    )

    status: str | None = None
    mode: str | None = None
    services: HealthServices | None = None


class LiveAnswer(Answer):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "live"}]})

    status: str | None = None


class ReadyAnswer(Answer):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ready"}]})

    status: str | None = None


class DeadLetter(Answer):
    """An event a consumer could not handle (``service:number``); one dead letter also with
    the event's ``data``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "order:1",
                    "consumer": "projection:order_products:v1",
                    "source": "pricing",
                    "position": 5,
                    "event_id": "01a24eb9-c935-771e-b7ff-b90ce3a04451",
                    "event_type": "ProductRegistered",
                    "stream_id": "product-600335fa-2395-5835-9556-b186dbfe33e2-JMF-0001",
                    "error": "OSError: disk full",
                    "attempts": 5,
                    "data": {
                        "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                        "sku": "JMF-0001",
                        "name": "Alishan high-mountain oolong, 150 g",
                        "category": "tea",
                        "unit": "tin",
                        "pack_size": 12,
                        "min_order_qty": 12,
                        "list_price": {"amount": "42.96", "currency": "USD"},
                        "cost_price": {"amount": "26.64", "currency": "USD"},
                        "names": {
                            "en": "Alishan high-mountain oolong, 150 g",
                            "zh-Hant": "阿里山高山烏龍茶 150 g",
                            "zh-Hans": "阿里山高山乌龙茶 150 g",
                        },
                    },
                    "failed_at": "2026-12-07T04:18:49.349283+00:00",
                    "service": "order",
                }
            ]
        }
    )

    id: str | None = None
    consumer: str | None = None
    source: str | None = None
    position: int | None = None
    event_id: str | None = None
    event_type: str | None = None
    stream_id: str | None = None
    error: str | None = None
    attempts: int | None = None
    data: dict[str, Any] | None = None
    failed_at: datetime | None = None
    service: str | None = None


class RetryOut(Answer):
    """The dead letter handed to its consumer again (and removed), and what happened."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "retried": "order:1",
                    "outcome": "ProductRegistered at pricing@5 retried by projection:order_products:v1",
                }
            ]
        }
    )

    retried: str | None = None
    outcome: str | None = None


class ProjectionLag(Answer):
    """A projection's version, how far it read each source (``positions``, keyed by source)
    against the sources' ``heads``, the events it still lags by and its dead letters."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service": "order",
                    "name": "order_products",
                    "version": 1,
                    "built_versions": [1],
                    "positions": {"pricing": 101},
                    "heads": {"pricing": 189},
                    "lag": 0,
                    "dead_letters": 0,
                }
            ]
        }
    )

    service: str | None = None
    name: str | None = None
    version: int | None = None
    built_versions: list[int] | None = None
    positions: dict[str, int] | None = None
    heads: dict[str, int] | None = None
    lag: int | None = None
    dead_letters: int | None = None
