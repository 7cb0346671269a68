"""``GET /offers`` and ``GET /offers/{id}``: quotes suppliers offered buyers on their own, with
their lines, validity and outcome (the order an accepted one became)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, select

from shared.events import sourcing
from shared.events.envelope import Envelope
from shared.events.sourcing import value_of
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.sql import Database

from .rfqs import instant


class OfferBoard(FoldingProjection):
    name = "sourcing_offers"
    version = 1
    sources = ("sourcing",)
    event_types = (sourcing.QuoteOffered, sourcing.QuoteAccepted, sourcing.QuoteDeclined)

    def define_tables(self, metadata: MetaData) -> None:
        self.offers = Table(
            self.table_name("sourcing_offers"),
            metadata,
            Column("quote_id", String(36), primary_key=True),
            Column("supplier_id", String(36), nullable=False, index=True),
            Column("buyer_id", String(36), nullable=False, index=True),
            Column("status", String(16), nullable=False),
            Column("valid_until", String(40), nullable=False),
            Column("offered_at", String(40), nullable=False, index=True),
            Column("document", Text, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.offers, {(str(e.event.quote_id),) for e in envelopes})  # type: ignore[attr-defined]

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        at = envelope.occurred_at.isoformat()
        if isinstance(event, sourcing.QuoteOffered):
            document = event.model_dump(mode="json") | {"status": "open", "offered_at": at}
            document["total"] = {
                "amount": format(value_of(event.lines), "f"),
                "currency": event.lines[0].unit_price.currency,
            }
            document |= {"decided_at": None, "order_id": None, "reason": None}
            row = {k: document[k] for k in ("quote_id", "supplier_id", "buyer_id")}
            row |= {
                "valid_until": instant(event.valid_until),
                "offered_at": instant(envelope.occurred_at),
            }
        else:
            found = await rows.get(self.offers, (str(event.quote_id),))  # type: ignore[attr-defined]
            if found is None:
                return
            row, document = dict(found), json.loads(found["document"])
            document["decided_at"] = at
            if isinstance(event, sourcing.QuoteAccepted):
                document.update(status="accepted", order_id=str(event.order_id))
            elif isinstance(event, sourcing.QuoteDeclined):
                document.update(status="declined", reason=event.reason)
        rows.put(
            self.offers, {**row, "status": document["status"], "document": json.dumps(document)}
        )

    async def page(
        self, engine: Database, filters: dict[str, Any], now: datetime, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """Offers newest first, of one buyer or supplier, of one status (``expired``: open but
        past its validity)."""
        table = self.offers
        query = select(table.c.document).order_by(table.c.offered_at.desc())
        for name in ("buyer_id", "supplier_id"):
            if filters.get(name):
                query = query.where(table.c[name] == filters[name])
        status = filters.get("status")
        if status == "open":
            query = query.where(table.c.status == "open", table.c.valid_until > instant(now))
        elif status == "expired":
            query = query.where(table.c.status == "open", table.c.valid_until <= instant(now))
        elif status:
            query = query.where(table.c.status == status)
        async with engine.connect() as conn:
            found = (await conn.execute(query.limit(limit).offset(offset))).scalars().all()
        return [shown(json.loads(raw), now) for raw in found]

    async def get(self, engine: Database, quote_id: str, now: datetime) -> dict[str, Any] | None:
        query = select(self.offers.c.document).where(self.offers.c.quote_id == quote_id)
        async with engine.connect() as conn:
            raw = (await conn.execute(query)).scalar()
        return shown(json.loads(raw), now) if raw else None


def shown(document: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An offer as answered: ``expired`` when still open past its validity."""
    if document["status"] == "open" and datetime.fromisoformat(document["valid_until"]) <= now:
        return {**document, "status": "expired"}
    return document
