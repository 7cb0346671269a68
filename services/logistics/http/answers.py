"""What the logistics service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed. The examples
are real answers of a seeded system after full order lifecycles."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class Carrier(Answer):
    """A carrier; ``tracking_url_template`` holds ``{tracking_number}`` where the number goes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "carrier_id": "ca55faa4-78ed-5b80-9697-4ed14747de79",
                    "code": "BLUELINE",
                    "name": "BlueLine Logistics",
                    "regions_served": ["north", "central"],
                    "tracking_url_template": None,
                }
            ]
        }
    )

    carrier_id: str | None = None
    code: str | None = None
    name: str | None = None
    regions_served: list[str] | None = None
    tracking_url_template: str | None = None


class DeliveryAddress(Answer):
    """A buyer's delivery address."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "address_id": "a5e3f162-53ca-499a-a9c8-1ba692cd5a0d",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
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
    phone: str | None = None


class ShipmentLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None


class ShipmentRejectedLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    reason: str | None = None


class ShipmentHistoryLine(Answer):
    """A line an event names: shipped or accepted, rejected (``reason``) or damaged
    (``description``)."""

    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    reason: str | None = None
    description: str | None = None


class ShipmentHistoryDetail(Answer):
    """The event's own fields (those of its contract in the AsyncAPI document)."""

    warehouse_id: str | None = None
    carrier_id: str | None = None
    tracking_number: str | None = None
    lines: list[ShipmentHistoryLine] | None = None
    shipped_at: datetime | None = None
    eta: datetime | None = None
    status: str | None = None
    reported_at: datetime | None = None
    location: str | None = None
    delivered_at: datetime | None = None
    received_by: str | None = None
    reason: str | None = None
    new_eta: datetime | None = None
    previous_eta: datetime | None = None
    remedy: str | None = None


class ShipmentHistory(Answer):
    """One event of the shipment."""

    position: int | None = None
    event_type: str | None = None
    occurred_at: datetime | None = None
    detail: ShipmentHistoryDetail | None = None


class Shipment(Answer):
    """A shipment with its tracking state; one shipment also with its ``history``, its
    ``delays`` and ``damage`` (the history's entries of those kinds). ``awaiting_prepayment``:
    held until the order's prepayment is settled."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "shipment_id": "d1ca24c4-0956-5c50-9e7f-9bd567b4b367",
                    "order_id": "35278ca0-edfe-580a-a596-bf2e71ed8c51",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                    "status": "accepted",
                    "lines": [{"line_no": 1, "sku": "HIS-0027", "quantity": 12}],
                    "delivery_region": "north",
                    "delivery_address_id": None,
                    "ship_by": None,
                    "carrier_id": "ca55faa4-78ed-5b80-9697-4ed14747de79",
                    "tracking_number": "TRK000424242",
                    "carrier_status": None,
                    "location": None,
                    "eta": "2026-12-10T04:13:32.641740Z",
                    "planned_at": "2026-12-07T04:13:25.931125+00:00",
                    "shipped_at": "2026-12-07T04:13:32.643863Z",
                    "delivered_at": "2026-12-07T04:14:03.724239Z",
                    "received_by": "front desk",
                    "cancel_reason": None,
                    "accepted_lines": [{"line_no": 1, "sku": "HIS-0027", "quantity": 12}],
                    "rejected_lines": None,
                    "remedy": None,
                    "return_id": None,
                    "replacement_shipment_id": None,
                    "awaiting_prepayment": False,
                    "stream_version": 9,
                    "history": [
                        {
                            "position": 591,
                            "event_type": "Shipped",
                            "occurred_at": "2026-12-07T04:13:32.643863+00:00",
                            "detail": {
                                "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                                "carrier_id": "ca55faa4-78ed-5b80-9697-4ed14747de79",
                                "tracking_number": "TRK000424242",
                                "lines": [{"line_no": 1, "sku": "HIS-0027", "quantity": 12}],
                                "shipped_at": "2026-12-07T04:13:32.643863Z",
                                "eta": "2026-12-09T04:13:32.641740Z",
                            },
                        },
                        {
                            "position": 592,
                            "event_type": "ShipmentDelayed",
                            "occurred_at": "2026-12-07T04:13:32.693050+00:00",
                            "detail": {
                                "reason": "typhoon warning",
                                "new_eta": "2026-12-10T04:13:32.641740Z",
                                "previous_eta": "2026-12-09T04:13:32.641740Z",
                            },
                        },
                        {
                            "position": 593,
                            "event_type": "ShipmentDamaged",
                            "occurred_at": "2026-12-07T04:13:32.698505+00:00",
                            "detail": {
                                "lines": [
                                    {
                                        "line_no": 1,
                                        "sku": "HIS-0027",
                                        "quantity": 1,
                                        "description": "one carton wet",
                                    }
                                ]
                            },
                        },
                        {
                            "position": 594,
                            "event_type": "Delivered",
                            "occurred_at": "2026-12-07T04:14:03.732544+00:00",
                            "detail": {
                                "delivered_at": "2026-12-07T04:14:03.724239Z",
                                "received_by": "front desk",
                            },
                        },
                        {
                            "position": 595,
                            "event_type": "GoodsAccepted",
                            "occurred_at": "2026-12-07T04:14:03.801704+00:00",
                            "detail": {
                                "lines": [{"line_no": 1, "sku": "HIS-0027", "quantity": 12}]
                            },
                        },
                    ],
                    "delays": [
                        {
                            "position": 592,
                            "event_type": "ShipmentDelayed",
                            "occurred_at": "2026-12-07T04:13:32.693050+00:00",
                            "detail": {
                                "reason": "typhoon warning",
                                "new_eta": "2026-12-10T04:13:32.641740Z",
                                "previous_eta": "2026-12-09T04:13:32.641740Z",
                            },
                        }
                    ],
                    "damage": [
                        {
                            "position": 593,
                            "event_type": "ShipmentDamaged",
                            "occurred_at": "2026-12-07T04:13:32.698505+00:00",
                            "detail": {
                                "lines": [
                                    {
                                        "line_no": 1,
                                        "sku": "HIS-0027",
                                        "quantity": 1,
                                        "description": "one carton wet",
                                    }
                                ]
                            },
                        }
                    ],
                    "tracking_url": None,
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
    delivery_address_id: str | None = None
    ship_by: date | None = None
    carrier_id: str | None = None
    tracking_number: str | None = None
    carrier_status: str | None = None
    location: str | None = None
    eta: datetime | None = None
    planned_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    received_by: str | None = None
    cancel_reason: str | None = None
    accepted_lines: list[ShipmentLine] | None = None
    rejected_lines: list[ShipmentRejectedLine] | None = None
    remedy: str | None = None
    return_id: str | None = None
    replacement_shipment_id: str | None = None
    awaiting_prepayment: bool | None = None
    stream_version: int | None = None
    history: list[ShipmentHistory] | None = None
    delays: list[ShipmentHistory] | None = None
    damage: list[ShipmentHistory] | None = None
    tracking_url: str | None = None


class ReturnOutReceivedLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    condition: str | None = None


class ReturnOut(Answer):
    """Goods coming back: authorized, then received with each line's ``condition``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "return_id": "d2ec7198-0221-5b5c-ab18-a3f317f0e7d9",
                    "order_id": "eb804351-d0b7-5232-a4c7-7ed77a53ebbb",
                    "shipment_id": "f24b1fa1-83bc-55e3-b00f-e801e11dba18",
                    "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                    "lines": [{"line_no": 1, "sku": "JMF-0004", "quantity": 1}],
                    "remedy": "return",
                    "status": "received",
                    "authorized_at": "2026-12-07T04:06:54.008459+00:00",
                    "received_lines": [
                        {"line_no": 1, "sku": "JMF-0004", "quantity": 1, "condition": "damaged"}
                    ],
                    "received_at": "2026-12-07T04:06:54.200427+00:00",
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
    authorized_at: datetime | None = None
    received_lines: list[ReturnOutReceivedLine] | None = None
    received_at: datetime | None = None
