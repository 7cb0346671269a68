"""What the inventory service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed. The examples
are real answers of a seeded system after full order lifecycles."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class WarehousePageItem(Answer):
    """A warehouse: the regions it serves, its speed rank and lead time (days)."""

    warehouse_id: str | None = None
    supplier_id: str | None = None
    name: str | None = None
    regions_served: list[str] | None = None
    speed_rank: int | None = None
    lead_time_days: int | None = None


class WarehousePage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                            "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                            "name": "Taichung Hub",
                            "regions_served": ["north", "central", "south"],
                            "speed_rank": 1,
                            "lead_time_days": 1,
                        }
                    ]
                }
            ]
        }
    )

    items: list[WarehousePageItem] | None = None


class StockLevelPageItem(Answer):
    """One SKU at one warehouse; ``low`` once available fell below ``threshold``."""

    sku: str | None = None
    warehouse_id: str | None = None
    on_hand: int | None = None
    reserved: int | None = None
    available: int | None = None
    threshold: int | None = None
    reorder_quantity: int | None = None
    low: bool | None = None


class StockLevelPage(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "sku": "HIS-0001",
                            "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                            "on_hand": 17,
                            "reserved": 0,
                            "available": 17,
                            "threshold": 30,
                            "reorder_quantity": 200,
                            "low": True,
                        }
                    ]
                }
            ]
        }
    )

    items: list[StockLevelPageItem] | None = None


class StockAlert(Answer):
    """Available stock fell below the threshold."""

    alert_id: str | None = None
    sku: str | None = None
    warehouse_id: str | None = None
    available: int | None = None
    threshold: int | None = None
    raised_at: datetime | None = None
    position: int | None = None


class ReplenishmentRequest(Answer):
    """Stock to reorder: after a low-stock alert or for a back-order (``reason``)."""

    request_id: str | None = None
    sku: str | None = None
    warehouse_id: str | None = None
    quantity: int | None = None
    reason: str | None = None
    requested_at: datetime | None = None
    position: int | None = None


class StockAlertsOut(Answer):
    """Low-stock alerts and replenishment requests, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "alerts": [
                        {
                            "alert_id": "01a24eb4-b88a-72c1-8341-5df25f44f295",
                            "sku": "HIS-0001",
                            "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                            "available": 17,
                            "threshold": 30,
                            "raised_at": "2026-12-07T04:13:16.298203+00:00",
                            "position": 659,
                        }
                    ],
                    "replenishment_requests": [
                        {
                            "request_id": "49c32fe3-44bd-5d6c-9273-c44412a9be86",
                            "sku": "HIS-0001",
                            "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                            "quantity": 200,
                            "reason": "low_stock",
                            "requested_at": "2026-12-07T04:13:16.298203+00:00",
                            "position": 660,
                        }
                    ],
                }
            ]
        }
    )

    alerts: list[StockAlert] | None = None
    replenishment_requests: list[ReplenishmentRequest] | None = None


class SkuStockStateBalance(Answer):
    on_hand: int | None = None
    reserved: int | None = None
    threshold: int | None = None
    reorder_quantity: int | None = None
    low: bool | None = None
    alerts: int | None = None
    available: int | None = None


class SkuStockState(Answer):
    """The SKU folded from its events (``?as_of=``): ``balances`` keyed by warehouse id."""

    balances: dict[str, SkuStockStateBalance] | None = None
    return_references: list[str] | None = None


class SkuStock(Answer):
    """One SKU's stock at every warehouse, with totals. With ``?as_of=`` the answer is the
    SKU's state at that instant instead: ``as_of``, ``stream_id``, ``version``,
    ``recorded_at`` and ``state``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sku": "HIS-0001",
                    "on_hand": 331,
                    "reserved": 0,
                    "available": 331,
                    "warehouses": [
                        {
                            "sku": "HIS-0001",
                            "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                            "on_hand": 17,
                            "reserved": 0,
                            "available": 17,
                            "threshold": 30,
                            "reorder_quantity": 200,
                            "low": True,
                        },
                        {
                            "sku": "HIS-0001",
                            "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                            "on_hand": 314,
                            "reserved": 0,
                            "available": 314,
                            "threshold": 30,
                            "reorder_quantity": 200,
                            "low": False,
                        },
                    ],
                },
                {
                    "as_of": "2026-12-07T04:14:10.353212+00:00",
                    "stream_id": "stock-HIS-0001",
                    "version": 7,
                    "recorded_at": "2026-12-07T04:13:16.298602+00:00",
                    "state": {
                        "balances": {
                            "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37": {
                                "on_hand": 17,
                                "reserved": 0,
                                "threshold": 30,
                                "reorder_quantity": 200,
                                "low": True,
                                "alerts": 1,
                                "available": 17,
                            }
                        },
                        "return_references": [],
                    },
                },
            ]
        }
    )

    sku: str | None = None
    on_hand: int | None = None
    reserved: int | None = None
    available: int | None = None
    warehouses: list[StockLevelPageItem] | None = None
    as_of: datetime | None = None
    stream_id: str | None = None
    version: int | None = None
    recorded_at: datetime | None = None
    state: SkuStockState | None = None


class ReservationOutAllocation(Answer):
    """What an order holds of one line at one warehouse: reserved, committed (shipped),
    released."""

    line_no: int | None = None
    sku: str | None = None
    warehouse_id: str | None = None
    reserved: int | None = None
    committed: int | None = None
    released: int | None = None


class ReservationOutRoutingCandidateAvailable(Answer):
    sku: str | None = None
    quantity: int | None = None


class ReservationOutRoutingCandidate(Answer):
    warehouse_id: str | None = None
    serves_region: bool | None = None
    speed_rank: int | None = None
    lead_time_days: int | None = None
    available: list[ReservationOutRoutingCandidateAvailable] | None = None
    chosen: bool | None = None


class ReservationOutRouting(Answer):
    rule: str | None = None
    order_type: str | None = None
    delivery_region: str | None = None
    candidates: list[ReservationOutRoutingCandidate] | None = None
    reason: str | None = None


class ReservationOutShortage(Answer):
    line_no: int | None = None
    sku: str | None = None
    requested: int | None = None
    available: int | None = None


class ReservationOutLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None


class ReservationOutHistory(Answer):
    event_type: str | None = None
    at: datetime | None = None
    position: int | None = None


class ReservationOut(Answer):
    """An order's allocations and why those warehouses; ``shortages`` when stock was short,
    ``backorders`` (and their ``backorder_warehouse``) for a presale, ``release_reason`` once
    released."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "35278ca0-edfe-580a-a596-bf2e71ed8c51",
                    "status": "committed",
                    "allocations": [
                        {
                            "line_no": 1,
                            "sku": "HIS-0027",
                            "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                            "reserved": 0,
                            "committed": 12,
                            "released": 0,
                        }
                    ],
                    "routing": [
                        {
                            "rule": "region-first",
                            "order_type": "regular",
                            "delivery_region": "north",
                            "candidates": [
                                {
                                    "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                                    "serves_region": True,
                                    "speed_rank": 2,
                                    "lead_time_days": 1,
                                    "available": [{"sku": "HIS-0027", "quantity": 1872}],
                                    "chosen": True,
                                },
                                {
                                    "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                                    "serves_region": False,
                                    "speed_rank": 3,
                                    "lead_time_days": 2,
                                    "available": [{"sku": "HIS-0027", "quantity": 1902}],
                                    "chosen": False,
                                },
                            ],
                            "reason": "warehouses serving region north first, then fastest; one warehouse per line where one can fill it; line 1 whole from Keelung DC",
                        }
                    ],
                    "shortages": [],
                    "backorders": [],
                    "history": [
                        {
                            "event_type": "StockReserved",
                            "at": "2026-12-07T04:13:25.913878+00:00",
                            "position": 661,
                        },
                        {
                            "event_type": "StockCommitted",
                            "at": "2026-12-07T04:13:32.649704+00:00",
                            "position": 663,
                        },
                    ],
                }
            ]
        }
    )

    order_id: str | None = None
    status: str | None = None
    allocations: list[ReservationOutAllocation] | None = None
    routing: list[ReservationOutRouting] | None = None
    shortages: list[ReservationOutShortage] | None = None
    backorders: list[ReservationOutLine] | None = None
    backorder_warehouse: str | None = None
    release_reason: str | None = None
    history: list[ReservationOutHistory] | None = None
