"""Each order's reservation: allocations per line and warehouse, routing decisions, shortages."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Column, MetaData, String, Table, Text, select

from shared.events.envelope import Envelope
from shared.events.inventory import (
    BackorderCreated,
    StockCommitted,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from shared.events.values import OrderLine
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys
from shared.sql import Database

_TYPES = (StockReserved, StockReservationFailed, StockReleased, StockCommitted, BackorderCreated)


def _allocation(doc: dict[str, Any], line_no: int, sku: str, warehouse_id: str) -> dict[str, Any]:
    for row in doc["allocations"]:
        if row["line_no"] == line_no and row["warehouse_id"] == warehouse_id:
            return dict(row)
    row = {
        "line_no": line_no,
        "sku": sku,
        "warehouse_id": warehouse_id,
        "reserved": 0,
        "committed": 0,
        "released": 0,
    }
    doc["allocations"].append(row)
    return row


def _put(doc: dict[str, Any], row: dict[str, Any]) -> None:
    doc["allocations"] = [
        row if (r["line_no"], r["warehouse_id"]) == (row["line_no"], row["warehouse_id"]) else r
        for r in doc["allocations"]
    ]


def fold(doc: dict[str, Any], event: Any) -> dict[str, Any]:
    """Apply one order-level inventory event to the reservation document."""
    match event:
        case StockReserved(allocations=allocations, routing=routing):
            for a in allocations:
                row = _allocation(doc, a.line_no, a.sku, str(a.warehouse_id))
                row["reserved"] += a.quantity
                _put(doc, row)
            doc["routing"].append(routing.model_dump(mode="json"))
        case StockReleased(releases=releases, reason=reason):
            for a in releases:
                row = _allocation(doc, a.line_no, a.sku, str(a.warehouse_id))
                row["reserved"] -= a.quantity
                row["released"] += a.quantity
                _put(doc, row)
            doc["release_reason"] = reason.value
        case StockCommitted(warehouse_id=warehouse_id, lines=lines):
            for line in lines:
                row = _allocation(doc, line.line_no, line.sku, str(warehouse_id))
                taken = min(row["reserved"], line.quantity)
                row["reserved"] -= taken
                row["committed"] += line.quantity
                _put(doc, row)
        case StockReservationFailed(shortages=shortages):
            doc["shortages"] = [s.model_dump(mode="json") for s in shortages]
        case BackorderCreated(lines=lines, warehouse_id=warehouse_id):
            doc["backorders"].extend(line.model_dump(mode="json") for line in lines)
            doc["backorder_warehouse"] = str(warehouse_id) if warehouse_id else None
    doc["status"] = _status(doc, event)
    return doc


def _status(doc: dict[str, Any], event: Any) -> str:
    if isinstance(event, StockReservationFailed) and not doc["allocations"]:
        return "failed"
    if not doc["allocations"]:
        return "backordered" if doc["backorders"] else doc["status"]
    reserved = sum(r["reserved"] for r in doc["allocations"])
    committed = sum(r["committed"] for r in doc["allocations"])
    if reserved == 0 and committed == 0:
        return "released"
    if reserved == 0:
        return "committed"
    return "partly_committed" if committed else "reserved"


class Reservations(FoldingProjection):
    """Each order's reservation document (GET /reservations/{order_id}) and the back-orders
    waiting for stock."""

    name = "reservations"
    version = 2  # 2: a back-order keeps its preferred warehouse, so stock arriving can fill it
    sources = ("inventory",)
    event_types = _TYPES

    def define_tables(self, metadata: MetaData) -> None:
        self.reservations = Table(
            self.table_name("inventory_reservations"),
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("status", String(32), nullable=False),
            Column("document", Text, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.reservations, order_keys(envelopes))

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        if not isinstance(event, _TYPES):
            return
        order_id = str(event.order_id)
        found = await rows.get(self.reservations, (order_id,))
        doc: dict[str, Any] = (
            json.loads(found["document"])
            if found
            else {
                "order_id": order_id,
                "status": "none",
                "allocations": [],
                "routing": [],
                "shortages": [],
                "backorders": [],
                "history": [],
            }
        )
        doc = fold(doc, event)
        doc["history"].append(
            {
                "event_type": event.event_type,
                "at": envelope.occurred_at.isoformat(),
                "position": envelope.position,
            }
        )
        values = {"order_id": order_id, "status": doc["status"], "document": json.dumps(doc)}
        rows.put(self.reservations, values)

    async def document(self, engine: Database, order_id: str) -> dict[str, Any] | None:
        """An order's reservation: allocations, routing, shortages, back-orders, history."""
        t = self.reservations
        async with engine.connect() as conn:
            row = (await conn.execute(select(t.c.document).where(t.c.order_id == order_id))).first()
        return None if row is None else dict(json.loads(row[0]))

    async def backordered(self, engine: Database, skus: Collection[str]) -> list[Backorder]:
        """Back-ordered orders waiting for any of ``skus``, oldest first."""
        t = self.reservations
        async with engine.connect() as conn:
            found = await conn.execute(select(t.c.document).where(t.c.status == "backordered"))
            docs = [json.loads(document) for (document,) in found]
        waiting = [
            (doc["history"][0]["position"], doc)
            for doc in docs
            if {b["sku"] for b in doc["backorders"]} & set(skus)
        ]
        return [
            Backorder(
                UUID(doc["order_id"]),
                UUID(doc["backorder_warehouse"]) if doc.get("backorder_warehouse") else None,
                tuple(OrderLine.model_validate(line) for line in doc["backorders"]),
            )
            for _, doc in sorted(waiting, key=lambda item: item[0])
        ]


@dataclass(frozen=True)
class Backorder:
    order_id: UUID
    warehouse_id: UUID | None
    lines: tuple[OrderLine, ...]
