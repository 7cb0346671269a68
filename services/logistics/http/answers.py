"""What the logistics service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class Carrier(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "carrier_id": "ca55faa4-78ed-5b80-9697-4ed14747de79",
                    "code": "BLUELINE",
                    "name": "BlueLine Logistics",
                    "regions_served": ["north"],
                    "tracking_url_template": None,
                }
            ]
        }
    )

    carrier_id: str | None = None
    code: str | None = None
    name: str | None = None
    regions_served: list[str] | None = None
    tracking_url_template: Any = None


class DeliveryAddress(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "address_id": "00000000-0000-4000-8000-000000000001",
                    "buyer_id": "00000000-0000-4000-8000-000000000002",
                    "label": "Main store",
                    "recipient": "Receiving desk",
                    "street": ["12 Harbour Rd"],
                    "city": "Keelung",
                    "postal_code": "200",
                    "country": "TW",
                    "region": "north",
                    "phone": None,
                }
            ]
        }
    )

    address_id: str | None = None
    buyer_id: str | None = None
    label: str | None = None
    recipient: str | None = None
    street: list[str] | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    region: str | None = None
    phone: Any = None


class ShipmentLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None


class ShipmentRejectedLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    reason: str | None = None


class Shipment(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "shipment_id": "cd508444-3ae3-5179-92a9-42d7ff078ab4",
                    "order_id": "6b4c772b-6021-5731-b2e5-8faadd38374a",
                    "buyer_id": "bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                    "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                    "status": "accepted",
                    "lines": [{"line_no": 1, "sku": "JMF-0019", "quantity": 36}],
                    "delivery_region": "central",
                    "delivery_address_id": None,
                    "ship_by": None,
                    "carrier_id": "ca55faa4-78ed-5b80-9697-4ed14747de79",
                    "tracking_number": "TRK651024418",
                    "carrier_status": "in_transit",
                    "location": "Taoyuan hub",
                    "eta": "2026-12-09T03:35:23.809051Z",
                    "planned_at": "2026-12-07T03:35:23.513207+00:00",
                    "shipped_at": "2026-12-07T03:35:23.826210Z",
                    "delivered_at": "2026-12-07T03:35:23.809051Z",
                    "received_by": "front desk",
                    "cancel_reason": None,
                    "accepted_lines": [{"line_no": 1, "sku": "JMF-0019", "quantity": 36}],
                    "rejected_lines": None,
                    "remedy": None,
                    "return_id": None,
                    "replacement_shipment_id": None,
                    "stream_version": 8,
                }
            ]
        }
    )

    shipment_id: str | None = None
    order_id: str | None = None
    buyer_id: str | None = None
    warehouse_id: str | None = None
    status: str | None = None
    lines: list[ShipmentLine] | None = None
    delivery_region: str | None = None
    delivery_address_id: Any = None
    ship_by: Any = None
    carrier_id: str | None = None
    tracking_number: str | None = None
    carrier_status: str | None = None
    location: str | None = None
    eta: str | None = None
    planned_at: str | None = None
    shipped_at: str | None = None
    delivered_at: str | None = None
    received_by: str | None = None
    cancel_reason: Any = None
    accepted_lines: list[ShipmentLine] | None = None
    rejected_lines: list[ShipmentRejectedLine] | None = None
    remedy: str | None = None
    return_id: str | None = None
    replacement_shipment_id: Any = None
    stream_version: int | None = None
    history: list[ShipmentHistory] | None = None
    delays: list[Any] | None = None
    damage: list[Any] | None = None
    tracking_url: Any = None


class ShipmentHistoryDetail(Answer):
    warehouse_id: str | None = None
    carrier_id: str | None = None
    tracking_number: str | None = None
    lines: list[ShipmentLine] | None = None
    shipped_at: str | None = None
    eta: str | None = None
    status: str | None = None
    reported_at: str | None = None
    location: str | None = None
    delivered_at: str | None = None
    received_by: str | None = None


class ShipmentHistory(Answer):
    position: int | None = None
    event_type: str | None = None
    occurred_at: str | None = None
    detail: ShipmentHistoryDetail | None = None


class ReturnOutReceivedLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    condition: str | None = None


class ReturnOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "return_id": "b0119262-1315-5ad1-9807-bdba0ed49c2a",
                    "order_id": "ac76845f-65e0-51db-b778-659218f37ffc",
                    "shipment_id": "bb461b87-4485-5e5d-9d54-a6edb5ee9059",
                    "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                    "lines": [{"line_no": 1, "sku": "JMF-0001", "quantity": 1}],
                    "remedy": "return",
                    "status": "received",
                    "authorized_at": "2026-12-07T03:35:24.406748+00:00",
                    "received_lines": [
                        {"line_no": 1, "sku": "JMF-0001", "quantity": 1, "condition": "damaged"}
                    ],
                    "received_at": "2026-12-07T03:35:24.481171+00:00",
                }
            ]
        }
    )

    return_id: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    warehouse_id: str | None = None
    lines: list[ShipmentLine] | None = None
    remedy: str | None = None
    status: str | None = None
    authorized_at: str | None = None
    received_lines: list[ReturnOutReceivedLine] | None = None
    received_at: str | None = None
