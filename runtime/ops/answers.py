"""What the runtime's operations and health routes answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class HealthServicesOrder(Answer):
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
                        "order": {"store": "ok", "head_position": 153},
                        "pricing": {"store": "ok", "head_position": 41},
                        "inventory": {"store": "ok", "head_position": 119},
                        "logistics": {"store": "ok", "head_position": 99},
                        "payment": {"store": "ok", "head_position": 63},
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "payment:3",
                    "service": "payment",
                    "consumer": "policy:invoicing",
                    "source": "logistics",
                    "position": 42,
                    "event_id": "00000000-0000-4000-8000-000000000001",
                    "event_type": "GoodsAccepted",
                    "stream_id": "shipment-00000000-0000-4000-8000-000000000002",
                    "error": "ValueError: ...",
                    "attempts": 3,
                    "failed_at": "2026-12-07T03:00:00+00:00",
                    "data": {"order_id": "00000000-0000-4000-8000-000000000002"},
                }
            ]
        }
    )

    id: str | None = None
    service: str | None = None
    consumer: str | None = None
    source: str | None = None
    position: int | None = None
    event_id: str | None = None
    event_type: str | None = None
    stream_id: str | None = None
    error: str | None = None
    attempts: int | None = None
    failed_at: str | None = None
    data: DeadLetterData | None = None


class DeadLetterData(Answer):
    order_id: str | None = None


class RetryOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"retried": "GoodsAccepted at logistics@42 retried by policy:invoicing"}]
        }
    )

    retried: str | None = None


class ProjectionLagPositions(Answer):
    pricing: int | None = None
    order: int | None = None
    inventory: int | None = None
    logistics: int | None = None
    payment: int | None = None


class ProjectionLag(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service": "order",
                    "name": "order_products",
                    "version": 1,
                    "built_versions": [1],
                    "positions": {"pricing": 13},
                    "heads": {"pricing": 41},
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
    positions: ProjectionLagPositions | None = None
    heads: ProjectionLagPositions | None = None
    lag: int | None = None
    dead_letters: int | None = None
