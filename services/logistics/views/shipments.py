"""Shipments with tracking: status, carrier, ETA, delays, damage and inspection, plus history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
)

from services.logistics.domain.ids import replacement_shipment_id, return_id_for
from shared.events.envelope import Envelope
from shared.events.logistics import (
    CancellationNoted,
    ConfirmationNoted,
    Delivered,
    DeliveryDetailsNoted,
    GoodsAccepted,
    GoodsRejected,
    PrepaymentNoted,
    PrepaymentStage,
    ReleaseNoted,
    Remedy,
    ReservationNoted,
    ReturnAuthorized,
    ReturnReceived,
    ShipmentCancelled,
    ShipmentDamaged,
    ShipmentDelayed,
    ShipmentPlanned,
    ShipmentStatusUpdated,
    Shipped,
)
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys
from shared.service.sql import filtered
from shared.sql import Database

TRACKED = (
    ShipmentCancelled,
    Shipped,
    ShipmentStatusUpdated,
    ShipmentDelayed,
    ShipmentDamaged,
    Delivered,
    GoodsAccepted,
    GoodsRejected,
)
"""Events that change one shipment and enter its history."""

_STATUS = {
    ShipmentCancelled.event_type: "cancelled",
    Shipped.event_type: "shipped",
    ShipmentStatusUpdated.event_type: "in_transit",
    Delivered.event_type: "delivered",
    GoodsAccepted.event_type: "accepted",
}
_PICKED = {
    ShipmentCancelled.event_type: {"cancel_reason": "reason"},
    Shipped.event_type: {
        "carrier_id": "carrier_id",
        "tracking_number": "tracking_number",
        "shipped_at": "shipped_at",
        "eta": "eta",
    },
    ShipmentStatusUpdated.event_type: {"carrier_status": "status", "location": "location"},
    ShipmentDelayed.event_type: {"eta": "new_eta"},
    Delivered.event_type: {"delivered_at": "delivered_at", "received_by": "received_by"},
    GoodsAccepted.event_type: {"accepted_lines": "lines"},
    GoodsRejected.event_type: {"rejected_lines": "lines", "remedy": "remedy"},
}
"""Per event type: the shipment's columns it sets, from which of its fields."""


class ShipmentTracking(FoldingProjection):
    """``GET /shipments``, ``/shipments/{id}`` and the warehouse pick list."""

    name = "logistics_shipments"
    version = 2  # 2: awaiting_prepayment
    sources = ("logistics",)
    event_types = (
        DeliveryDetailsNoted,
        PrepaymentNoted,
        ReservationNoted,
        ReleaseNoted,
        ConfirmationNoted,
        CancellationNoted,
        ShipmentPlanned,
        ReturnAuthorized,
        ReturnReceived,
        *TRACKED,
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.orders = Table(
            self.table_name("logistics_order_buyers"),
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("buyer_id", String(36), nullable=False),
            Column("awaiting_prepayment", Boolean, nullable=False, default=False),
        )
        self.shipments = Table(
            self.table_name("logistics_shipments"),
            metadata,
            Column("shipment_id", String(36), primary_key=True),
            Column("order_id", String(36), nullable=False, index=True),
            Column("buyer_id", String(36), index=True),
            Column("warehouse_id", String(36), nullable=False, index=True),
            Column("status", String(32), nullable=False, index=True),
            Column("lines", JSON, nullable=False),
            Column("delivery_region", String(64), nullable=False),
            Column("delivery_address_id", String(36)),
            Column("ship_by", String(10)),
            Column("carrier_id", String(36), index=True),
            Column("tracking_number", String(1000)),
            Column("carrier_status", String(32)),
            Column("location", String(1000)),
            Column("eta", String(40)),
            Column("planned_at", String(40), nullable=False),
            Column("shipped_at", String(40)),
            Column("delivered_at", String(40)),
            Column("received_by", String(1000)),
            Column("cancel_reason", String(1000)),
            Column("accepted_lines", JSON),
            Column("rejected_lines", JSON),
            Column("remedy", String(32)),
            Column("return_id", String(36)),
            Column("replacement_shipment_id", String(36)),
            Column("awaiting_prepayment", Boolean, nullable=False, default=False),
            Column("stream_version", Integer, nullable=False),
        )
        shipment_id = self.shipments.c.shipment_id
        self._order_of = select(self.shipments.c.order_id).where(
            shipment_id == bindparam("shipment_id")
        )
        self._listed = select(self.shipments).order_by(self.shipments.c.planned_at, shipment_id)
        self.history = Table(
            self.table_name("logistics_shipment_history"),
            metadata,
            Column("event_id", String(36), primary_key=True),
            Column("shipment_id", String(36), nullable=False, index=True),
            Column("position", Integer, nullable=False),
            Column("event_type", String(64), nullable=False),
            Column("occurred_at", String(40), nullable=False),
            Column("detail", JSON, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        orders = order_keys(envelopes)
        await rows.load(self.orders, orders)
        await rows.load_by(self.shipments, "order_id", (key[0] for key in orders))

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, DeliveryDetailsNoted):
            found = await rows.get(self.orders, (str(event.order_id),))
            values = {"order_id": str(event.order_id), "buyer_id": str(event.buyer_id)}
            rows.put(self.orders, {"awaiting_prepayment": False, **(found or {}), **values})
        elif isinstance(event, PrepaymentNoted):
            await self._prepayment(rows, event)
        elif isinstance(event, ShipmentPlanned):
            await self._planned(rows, envelope, event)
        elif isinstance(event, TRACKED):
            await self._tracked(rows, envelope)
        order_id = getattr(event, "order_id", None)
        if order_id is not None:
            for shipment in await rows.find(self.shipments, "order_id", str(order_id)):
                rows.put(self.shipments, {**shipment, "stream_version": envelope.stream_version})

    async def _prepayment(self, rows: Rows, event: PrepaymentNoted) -> None:
        """Until a prepaid order is paid, its shipments show they wait for it."""
        waiting = event.stage is not PrepaymentStage.RECEIVED
        order_id = str(event.order_id)
        found = await rows.get(self.orders, (order_id,))
        if found is not None:
            rows.put(self.orders, {**found, "awaiting_prepayment": waiting})
        for shipment in await rows.find(self.shipments, "order_id", order_id):
            rows.put(self.shipments, {**shipment, "awaiting_prepayment": waiting})

    async def _planned(self, rows: Rows, envelope: Envelope, event: ShipmentPlanned) -> None:
        order = await rows.get(self.orders, (str(event.order_id),))
        data = event.model_dump(mode="json")
        values = {
            **{key: data[key] for key in ("shipment_id", "order_id", "warehouse_id", "lines")},
            "delivery_region": event.delivery_region,
            "delivery_address_id": data["delivery_address_id"],
            "ship_by": data["ship_by"],
            "buyer_id": order["buyer_id"] if order else None,
            "awaiting_prepayment": bool(order and order["awaiting_prepayment"]),
            "status": "planned",
            "planned_at": envelope.occurred_at.isoformat(),
            "stream_version": envelope.stream_version,
        }
        rows.put(self.shipments, values)

    async def _tracked(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        data = event.model_dump(mode="json")
        shipment_id = data["shipment_id"]
        detail = {k: v for k, v in data.items() if k not in ("shipment_id", "order_id")}
        history = {
            "event_id": str(envelope.event_id),
            "shipment_id": shipment_id,
            "position": envelope.position,
            "event_type": envelope.event_type,
            "occurred_at": envelope.occurred_at.isoformat(),
            "detail": detail,
        }
        rows.put(self.history, history)
        shipment = await rows.get(self.shipments, (shipment_id,))
        if shipment is None:
            return
        changes = self._changes(envelope.event_type, shipment, data)
        if envelope.event_type in _STATUS:
            changes.setdefault("status", _STATUS[envelope.event_type])
        rows.put(self.shipments, {**shipment, **changes})

    def _changes(
        self, event_type: str, shipment: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        picked = _PICKED.get(event_type, {})
        changes = {column: data[key] for column, key in picked.items()}
        if event_type == ShipmentStatusUpdated.event_type and data.get("eta"):
            changes["eta"] = data["eta"]
        if event_type == GoodsRejected.event_type:
            changes.update(self._rejected(shipment, data))
        return changes

    def _rejected(self, shipment: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        status = shipment["status"]
        original = UUID(shipment["shipment_id"])
        replacement = data["remedy"] == Remedy.REPLACEMENT.value
        return {
            "status": "partially_accepted" if status == "accepted" else "rejected",
            "return_id": str(return_id_for(original)),
            "replacement_shipment_id": str(replacement_shipment_id(original))
            if replacement
            else None,
        }

    async def find(self, engine: Database, shipment_id: str) -> dict[str, Any] | None:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    select(self.shipments).where(self.shipments.c.shipment_id == shipment_id)
                )
            ).first()
            if row is None:
                return None
            history = await conn.execute(
                select(self.history)
                .where(self.history.c.shipment_id == shipment_id)
                .order_by(self.history.c.position)
            )
            shipment = dict(row._mapping)
            shipment["history"] = [
                {k: v for k, v in h._mapping.items() if k not in ("shipment_id", "event_id")}
                for h in history
            ]
        return shipment

    async def search(self, engine: Database, **filters: str | None) -> list[dict[str, Any]]:
        given = {column: value for column, value in filters.items() if value is not None}
        query = filtered(self._listed, self.shipments, sorted(given))
        async with engine.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query, given)]

    async def order_of(self, engine: Database, shipment_id: str) -> str | None:
        """The order a shipment belongs to, if the read model holds it."""
        async with engine.connect() as conn:
            found = await conn.execute(self._order_of, {"shipment_id": shipment_id})
            order_id: str | None = found.scalar_one_or_none()
        return order_id
