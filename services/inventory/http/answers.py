"""What the inventory service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Amount, Answer

__all__ = ["Amount", "Answer"]


class WarehousePageItem(Answer):
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
                            "regions_served": ["north"],
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
                            "on_hand": 117,
                            "reserved": 0,
                            "available": 117,
                            "threshold": 30,
                            "reorder_quantity": 200,
                            "low": False,
                        }
                    ]
                }
            ]
        }
    )

    items: list[StockLevelPageItem] | None = None


class StockAlertsOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"alerts": [], "replenishment_requests": []}]}
    )

    alerts: list[Any] | None = None
    replenishment_requests: list[Any] | None = None


class SkuStockState(Answer):
    balances: dict[str, Any] | None = None
    return_references: list[Any] | None = None


class SkuStock(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sku": "JMF-0013",
                    "on_hand": 2710,
                    "reserved": 0,
                    "available": 2710,
                    "warehouses": [
                        {
                            "sku": "JMF-0013",
                            "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                            "on_hand": 2710,
                            "reserved": 0,
                            "available": 2710,
                            "threshold": 300,
                            "reorder_quantity": 2000,
                            "low": False,
                        }
                    ],
                }
            ]
        }
    )

    sku: str | None = None
    on_hand: int | None = None
    reserved: int | None = None
    available: int | None = None
    warehouses: list[StockLevelPageItem] | None = None
    as_of: str | None = None
    stream_id: str | None = None
    version: int | None = None
    recorded_at: str | None = None
    state: SkuStockState | None = None


class ReservationOutAllocation(Answer):
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


class ReservationOutHistory(Answer):
    event_type: str | None = None
    at: str | None = None
    position: int | None = None


class ReservationOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "48492f1c-f363-5bd9-9b40-a0a79ef3e263",
                    "status": "committed",
                    "allocations": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0013",
                            "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                            "reserved": 0,
                            "committed": 20,
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
                                    "warehouse_id": "f3d227d2-291d-597d-813d-25e64604579d",
                                    "serves_region": True,
                                    "speed_rank": 1,
                                    "lead_time_days": 1,
                                    "available": [{"sku": "JMF-0001", "quantity": 3288}],
                                    "chosen": True,
                                }
                            ],
                            "reason": "warehouses serving region north first, then fastest; one warehouse per line where one can fill it; line 1 whole from Taichung Hub; line 2 whole from Taichung Hub",
                        }
                    ],
                    "shortages": [],
                    "backorders": [],
                    "history": [
                        {
                            "event_type": "StockReserved",
                            "at": "2026-12-07T03:35:24.800841+00:00",
                            "position": 112,
                        }
                    ],
                }
            ]
        }
    )

    order_id: str | None = None
    status: str | None = None
    allocations: list[ReservationOutAllocation] | None = None
    routing: list[ReservationOutRouting] | None = None
    shortages: list[Any] | None = None
    backorders: list[Any] | None = None
    history: list[ReservationOutHistory] | None = None
