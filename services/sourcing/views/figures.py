"""``GET /sourcing/analytics``: per supplier, how often it quotes and wins (its win rate) and
what its awarded lines saved against their list prices."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, select

from shared.events import sourcing
from shared.events.envelope import Envelope
from shared.events.sourcing import AwardedLine, value_of
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.service.shapes import money
from shared.sql import Database

COUNTS: tuple[str, ...] = ("invited", "quoted", "revised", "declined", "won", "lines_quoted")
COUNTS += ("lines_won", "offers", "offers_accepted")
ANSWERED = {"offers": "offers_made"}
"""Counts answered under another name than their column's (``offers`` is a list elsewhere)."""
VALUES = ("awarded_value", "listed_value", "listed_awarded_value")
"""Awarded value; the list value of the awarded lines with a list price, and their awarded value."""


class SupplierFigures(FoldingProjection):
    name = "sourcing_figures"
    version = 1
    sources = ("sourcing",)
    event_types = (
        sourcing.RfqIssued,
        sourcing.RfqQuoteSubmitted,
        sourcing.RfqQuoteRevised,
        sourcing.RfqDeclined,
        sourcing.RfqAwarded,
        sourcing.QuoteOffered,
        sourcing.QuoteAccepted,
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.figures = Table(
            self.table_name("sourcing_supplier_figures"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            *(Column(name, BigInteger, nullable=False, default=0) for name in COUNTS),
            *(Column(name, Text, nullable=False, default="0") for name in VALUES),
            Column("currency", String(3)),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.figures, [(s,) for e in envelopes for s in _suppliers(e.event)])

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        match event:
            case sourcing.RfqIssued():
                for supplier_id in event.suppliers:
                    await self._add(rows, str(supplier_id), invited=1)
            case sourcing.RfqQuoteSubmitted():
                await self._add(
                    rows, str(event.supplier_id), quoted=1, lines_quoted=len(event.lines)
                )
            case sourcing.RfqQuoteRevised():
                await self._add(rows, str(event.supplier_id), revised=1)
            case sourcing.RfqDeclined():
                await self._add(rows, str(event.supplier_id), declined=1)
            case sourcing.RfqAwarded():
                for award in event.awards:
                    await self._won(rows, str(award.supplier_id), award.lines, won=1)
            case sourcing.QuoteOffered():
                await self._add(rows, str(event.supplier_id), offers=1)
            case sourcing.QuoteAccepted():
                await self._won(rows, str(event.supplier_id), event.lines, offers_accepted=1)

    async def _won(
        self, rows: Rows, supplier_id: str, lines: Sequence[AwardedLine], **counts: int
    ) -> None:
        listed = [line for line in lines if line.list_unit_price is not None]
        list_value = sum(
            (
                line.list_unit_price.amount * line.quantity
                for line in listed
                if line.list_unit_price
            ),
            Decimal(0),
        )
        values = {
            "awarded_value": value_of(lines),
            "listed_value": list_value,
            "listed_awarded_value": value_of(listed),
        }
        currency = lines[0].unit_price.currency
        await self._add(
            rows, supplier_id, lines_won=len(lines), values=values, currency=currency, **counts
        )

    async def _add(
        self,
        rows: Rows,
        supplier_id: str,
        values: dict[str, Decimal] | None = None,
        currency: str | None = None,
        **counts: int,
    ) -> None:
        row = dict(await rows.get(self.figures, (supplier_id,)) or {"supplier_id": supplier_id})
        for name in COUNTS:
            row[name] = int(row.get(name) or 0) + counts.get(name, 0)
        for name in VALUES:
            total = Decimal(row.get(name) or "0") + (values or {}).get(name, Decimal(0))
            row[name] = format(total, "f")
        row["currency"] = currency or row.get("currency")
        rows.put(self.figures, row)

    async def all(self, engine: Database) -> list[dict[str, Any]]:
        query = select(self.figures).order_by(self.figures.c.supplier_id)
        async with engine.connect() as conn:
            found = (await conn.execute(query)).mappings().all()
        return [shown(dict(row)) for row in found]


def _suppliers(event: Any) -> list[str]:
    if isinstance(event, sourcing.RfqIssued):
        return [str(s) for s in event.suppliers]
    if isinstance(event, sourcing.RfqAwarded):
        return [str(a.supplier_id) for a in event.awards]
    return [str(event.supplier_id)]


def percent(part: Decimal, whole: Decimal) -> str | None:
    """``part`` of ``whole`` in percent, one decimal ("37.5"); None when there is no whole."""
    if whole <= 0:
        return None
    return format((100 * part / whole).quantize(Decimal("0.1")), "f")


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """One supplier's figures: counts, rates in percent, amounts as Money."""
    listed, paid = Decimal(row["listed_value"]), Decimal(row["listed_awarded_value"])
    currency = row["currency"]
    return {
        "supplier_id": row["supplier_id"],
        **{ANSWERED.get(name, name): int(row[name]) for name in COUNTS},
        "win_percent": percent(Decimal(row["won"]), Decimal(row["quoted"])),
        "offer_acceptance_percent": percent(
            Decimal(row["offers_accepted"]), Decimal(row["offers"])
        ),
        "awarded_value": money(Decimal(row["awarded_value"]), currency),
        "list_value": money(listed, currency),
        "savings": money(listed - paid, currency),
        "savings_percent": percent(listed - paid, listed),
    }


def totals(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """All suppliers together, one entry per currency they sell in."""
    by_currency: dict[str, dict[str, Any]] = {}
    for row in rows:
        currency = (row["awarded_value"] or {}).get("currency")
        if currency is None:
            continue
        total = by_currency.setdefault(
            currency, {"quoted": 0, "won": 0, "values": [Decimal(0)] * 3}
        )
        total["quoted"] += row["quoted"]
        total["won"] += row["won"]
        for index, name in enumerate(("awarded_value", "list_value", "savings")):
            total["values"][index] += Decimal(row[name]["amount"])
    return [
        {
            "currency": currency,
            "quoted": total["quoted"],
            "won": total["won"],
            "win_percent": percent(Decimal(total["won"]), Decimal(total["quoted"])),
            "awarded_value": money(total["values"][0], currency),
            "list_value": money(total["values"][1], currency),
            "savings": money(total["values"][2], currency),
            "savings_percent": percent(total["values"][2], total["values"][1]),
        }
        for currency, total in sorted(by_currency.items())
    ]
