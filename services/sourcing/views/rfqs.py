"""``GET /rfqs`` and ``GET /rfqs/{id}``: each RFQ with its lines, every supplier's standing and
current quote, the award and its history; and each supplier's invitations (its queue)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, and_, select

from shared.events import sourcing
from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.sql import Database

EVENTS = (
    sourcing.RfqIssued,
    sourcing.RfqQuoteSubmitted,
    sourcing.RfqQuoteRevised,
    sourcing.RfqDeclined,
    sourcing.RfqCancelled,
    sourcing.RfqAwarded,
)


def instant(value: datetime) -> str:
    """An instant as stored: ISO 8601 in UTC with microseconds, so text order is time order."""
    return value.isoformat(timespec="microseconds")


class RfqBoard(FoldingProjection):
    """One row per RFQ (a JSON document for its page) and one per invited supplier."""

    name = "sourcing_rfqs"
    version = 1
    sources = ("sourcing",)
    event_types = EVENTS

    def define_tables(self, metadata: MetaData) -> None:
        self.rfqs = Table(
            self.table_name("sourcing_rfqs"),
            metadata,
            Column("rfq_id", String(36), primary_key=True),
            Column("buyer_id", String(36), nullable=False, index=True),
            Column("title", Text, nullable=False),
            Column("status", String(16), nullable=False),
            Column("deadline", String(40), nullable=False),
            Column("issued_at", String(40), nullable=False, index=True),
            Column("updated_at", String(40), nullable=False),
            Column("document", Text, nullable=False),
        )
        self.invitations = Table(
            self.table_name("sourcing_invitations"),
            metadata,
            Column("rfq_id", String(36), primary_key=True),
            Column("supplier_id", String(36), primary_key=True),
            Column("status", String(16), nullable=False),
            Column("revision", Integer, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.rfqs, {(str(e.event.rfq_id),) for e in envelopes})  # type: ignore[attr-defined]

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        key = str(event.rfq_id)  # type: ignore[attr-defined]
        if isinstance(event, sourcing.RfqIssued):
            document = _issued(event, envelope)
            row = {"rfq_id": key, "buyer_id": str(event.buyer_id), "title": event.title}
            row |= {"issued_at": instant(envelope.occurred_at), "deadline": instant(event.deadline)}
        else:
            found = await rows.get(self.rfqs, (key,))
            if found is None:
                return
            row, document = dict(found), json.loads(found["document"])
            _fold(document, event, envelope)
        row.update(status=document["status"], updated_at=instant(envelope.occurred_at))
        rows.put(self.rfqs, {**row, "document": json.dumps(document)})
        for standing in document["suppliers"]:
            rows.put(self.invitations, {"rfq_id": key, **_invitation(standing)})

    async def page(
        self,
        engine: Database,
        filters: dict[str, Any],
        now: datetime,
        limit: int,
        offset: int,
    ) -> list[dict[str, Any]]:
        """RFQs newest first: a buyer's (``buyer_id``), a supplier's invitations
        (``supplier_id``), and of one status (``open``, ``awaiting_award`` ...)."""
        rfqs, invited = self.rfqs, self.invitations
        query = select(rfqs).order_by(rfqs.c.issued_at.desc()).limit(limit).offset(offset)
        if filters.get("buyer_id"):
            query = query.where(rfqs.c.buyer_id == filters["buyer_id"])
        if filters.get("supplier_id"):
            on = and_(
                invited.c.rfq_id == rfqs.c.rfq_id, invited.c.supplier_id == filters["supplier_id"]
            )
            query = query.join(invited, on)
        query = _with_status(query, rfqs, filters.get("status"), instant(now))
        async with engine.connect() as conn:
            found = (await conn.execute(query)).mappings().all()
        listed = [summary(json.loads(row["document"]), now) for row in found]
        if filters.get("supplier_id"):
            for rfq, row in zip(listed, found, strict=True):
                rfq["standing"] = standing(json.loads(row["document"]), filters["supplier_id"])
        return listed

    async def get(self, engine: Database, rfq_id: str) -> dict[str, Any] | None:
        query = select(self.rfqs.c.document).where(self.rfqs.c.rfq_id == rfq_id)
        async with engine.connect() as conn:
            raw = (await conn.execute(query)).scalar()
        found: dict[str, Any] | None = json.loads(raw) if raw else None
        return found


def _with_status(query: Any, rfqs: Table, status: str | None, now: str) -> Any:
    if status == "open":
        return query.where(rfqs.c.status == "open", rfqs.c.deadline > now)
    if status == "awaiting_award":
        return query.where(rfqs.c.status == "open", rfqs.c.deadline <= now)
    if status:
        return query.where(rfqs.c.status == status)
    return query


def _invitation(standing: dict[str, Any]) -> dict[str, Any]:
    return {k: standing[k] for k in ("supplier_id", "status", "revision")}


def standing_of(document: dict[str, Any], supplier_id: str) -> dict[str, Any]:
    """The supplier's standing on the RFQ (one is made for a supplier the RFQ did not list)."""
    for standing in document["suppliers"]:
        if standing["supplier_id"] == supplier_id:
            found: dict[str, Any] = standing
            return found
    made = {"supplier_id": supplier_id, "status": "invited", "revision": 0, "answered_at": None}
    document["suppliers"].append(made)
    return made


def standing(document: dict[str, Any], supplier_id: str) -> dict[str, Any] | None:
    """The supplier's standing on the RFQ, if it is invited."""
    found = [s for s in document["suppliers"] if s["supplier_id"] == supplier_id]
    return found[0] if found else None


def _without_quote(document: dict[str, Any], supplier_id: str) -> None:
    document["quotes"] = [q for q in document["quotes"] if q["supplier_id"] != supplier_id]


def _step(envelope: Envelope, **details: Any) -> dict[str, Any]:
    return {
        "at": envelope.occurred_at.isoformat(),
        "event": envelope.event_type,
        "actor": envelope.actor,
        **details,
    }


def _issued(event: sourcing.RfqIssued, envelope: Envelope) -> dict[str, Any]:
    data = event.model_dump(mode="json")
    suppliers = data.pop("suppliers")
    return {
        **data,
        "status": "open",
        "issued_at": envelope.occurred_at.isoformat(),
        "suppliers": [
            {"supplier_id": s, "status": "invited", "revision": 0, "answered_at": None}
            | {"reason": None}
            for s in suppliers
        ],
        "quotes": [],
        "awards": [],
        "history": [_step(envelope, invited=len(suppliers))],
    }


def _fold(document: dict[str, Any], event: Any, envelope: Envelope) -> None:
    at = envelope.occurred_at.isoformat()
    match event:
        case sourcing.RfqQuoteSubmitted() | sourcing.RfqQuoteRevised():
            supplier = str(event.supplier_id)
            quote = event.model_dump(mode="json", exclude={"rfq_id"})
            _without_quote(document, supplier)
            document["quotes"].append({**quote, "answered_at": at})
            standing = standing_of(document, supplier)
            standing.update(status="quoted", revision=event.revision, answered_at=at)
            document["history"].append(
                _step(envelope, supplier_id=supplier, revision=event.revision)
            )
        case sourcing.RfqDeclined():
            supplier = str(event.supplier_id)
            _without_quote(document, supplier)
            standing = standing_of(document, supplier)
            standing.update(status="declined", answered_at=at, reason=event.reason)
            document["history"].append(_step(envelope, supplier_id=supplier, reason=event.reason))
        case sourcing.RfqCancelled():
            document["status"] = "cancelled"
            document["history"].append(_step(envelope, reason=event.reason))
        case sourcing.RfqAwarded():
            _awarded(document, event, envelope)


def _awarded(document: dict[str, Any], event: sourcing.RfqAwarded, envelope: Envelope) -> None:
    document["status"] = "awarded"
    document["awarded_at"] = envelope.occurred_at.isoformat()
    document["awards"] = [award.model_dump(mode="json") for award in event.awards]
    winners = {str(award.supplier_id) for award in event.awards}
    for standing in document["suppliers"]:
        if standing["status"] == "quoted":
            standing["status"] = "won" if standing["supplier_id"] in winners else "lost"
    orders = [str(award.order_id) for award in event.awards]
    document["history"].append(_step(envelope, suppliers=sorted(winners), orders=orders))


def summary(document: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What a list shows of an RFQ, with its status as of ``now``."""
    standings = document["suppliers"]
    return {
        **{k: document[k] for k in ("rfq_id", "buyer_id", "title", "currency", "deadline")},
        "issued_at": document["issued_at"],
        "status": status_of(document, now),
        "awardable": awardable(document, now),
        "line_count": len(document["lines"]),
        "invited": len(document["suppliers"]),
        "quoted": sum(1 for s in standings if s.get("status") in ("quoted", "won", "lost")),
        "declined": sum(1 for s in standings if s.get("status") == "declined"),
    }


def status_of(document: dict[str, Any], now: datetime) -> str:
    status = str(document["status"])
    if status == "open" and datetime.fromisoformat(document["deadline"]) <= now:
        return "awaiting_award"
    return status


def awardable(document: dict[str, Any], now: datetime) -> bool:
    """Open, and either past its deadline or answered (quoted or declined) by everyone."""
    if document["status"] != "open":
        return False
    waiting = [s for s in document["suppliers"] if s["status"] == "invited"]
    return not waiting or datetime.fromisoformat(document["deadline"]) <= now
