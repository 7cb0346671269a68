"""Every order read model applies each event it subscribes to in full: what an event changes
shows at once (amended lines and totals, cancelled shipments, credited invoices)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select

from services.order.views.analytics import OrderFacts
from services.order.views.details import OrderDetails
from services.order.views.summaries import OrderSummaries
from services.order.views.timeline import service_of
from shared.events import logistics, order, payment
from shared.events.base import DomainEvent, Money
from shared.events.envelope import Envelope, new_event_id
from shared.events.values import AgreedLine, LineChange, OrderLine, OrderType, PaymentTerms
from shared.service.projection import FoldingProjection
from shared.sql.sqlite import SqliteDatabase

ORDER = UUID(int=11)
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def envelopes(*events: DomainEvent) -> list[Envelope]:
    return [
        Envelope(
            event_id=new_event_id(),
            event_type=event.event_type,
            schema_version=type(event).schema_version,
            stream_id=f"{service_of(event.event_type)}-{ORDER}",
            stream_version=position,
            position=position,
            occurred_at=AT,
            event=event,
        )
        for position, event in enumerate(events, 1)
    ]


async def _rows(projection: FoldingProjection, events: list[Envelope]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        database = SqliteDatabase(Path(folder) / "read-models.db")
        try:
            await projection.create_tables(database)
            async with database.begin() as tx:
                await projection.apply_batch(tx, events)
            async with database.connect() as conn:
                table = projection.tables[0]
                return [dict(r) for r in (await conn.execute(select(table))).mappings().all()]
        finally:
            await database.close()


def rows(projection: FoldingProjection, *events: DomainEvent) -> list[dict[str, Any]]:
    return asyncio.run(_rows(projection, envelopes(*events)))


PLACED = order.OrderPlaced(
    order_id=ORDER,
    buyer_id=uuid4(),
    supplier_id=uuid4(),
    order_type=OrderType.REGULAR,
    lines=(OrderLine(line_no=1, sku="A", quantity=6),),
    delivery_region="EU",
)
# 6 x 10.00 less a 5.00 coupon: 55.00
READY = order.OrderReadyForConfirmation(
    order_id=ORDER,
    lines=(AgreedLine(line_no=1, sku="A", quantity=6, unit_price=eur("10.00")),),
    total=eur("55.00"),
)


def test_the_order_list_shows_an_accepted_amendment_with_the_order_discount() -> None:
    change = LineChange(line_no=1, sku="A", quantity=4, unit_price=eur("9.50"))
    proposed = order.OrderAmendmentProposed(order_id=ORDER, proposal_id=uuid4(), changes=(change,))
    accepted = order.OrderAmendmentAccepted(
        order_id=ORDER, proposal_id=proposed.proposal_id, changes=(change,)
    )
    [row] = rows(OrderSummaries(), PLACED, READY, proposed, accepted)
    assert row["status"] == "awaiting_confirmation"
    assert [(x["quantity"], x["unit_price"]["amount"]) for x in json.loads(row["lines"])] == [
        (4, "9.50")
    ]
    assert json.loads(row["total"]) == {"amount": "33.00", "currency": "EUR"}


PLANNED = logistics.ShipmentPlanned(
    shipment_id=uuid4(),
    order_id=ORDER,
    warehouse_id=uuid4(),
    lines=PLACED.lines,
    delivery_region="EU",
)
INVOICE = payment.InvoiceIssued(
    invoice_id=uuid4(),
    order_id=ORDER,
    shipment_id=PLANNED.shipment_id,
    supplier_id=PLACED.supplier_id,
    buyer_id=PLACED.buyer_id,
    lines=(
        payment.InvoiceLine(
            line_no=1, sku="A", quantity=6, unit_price=eur("10.00"), line_total=eur("60.00")
        ),
    ),
    total=eur("60.00"),
    terms=PaymentTerms.NET_30,
    issued_on=date(2026, 3, 1),
    due_on=date(2026, 3, 31),
)


def test_the_order_detail_shows_a_cancelled_shipment_as_cancelled() -> None:
    cancelled = logistics.ShipmentCancelled(
        shipment_id=PLANNED.shipment_id,
        order_id=ORDER,
        warehouse_id=PLANNED.warehouse_id,
        reason="order cancelled",
    )
    [row] = rows(OrderDetails(), PLACED, PLANNED, cancelled)
    shipment = json.loads(row["facets"])["shipments"][str(PLANNED.shipment_id)]
    assert (shipment["status"], shipment["cancel_reason"]) == ("cancelled", "order cancelled")


def test_the_order_detail_and_facts_show_a_credit_note_against_an_invoice() -> None:
    credit = payment.CreditNoteIssued(
        credit_note_id=uuid4(),
        invoice_id=INVOICE.invoice_id,
        order_id=ORDER,
        amount=eur("20.00"),
        reason="two returned",
    )
    [row] = rows(OrderDetails(), PLACED, INVOICE, credit)
    invoice = json.loads(row["facets"])["invoices"][str(INVOICE.invoice_id)]
    assert (invoice["status"], invoice["credited"], invoice["open_amount"]) == (
        "open",
        {"amount": "20.00", "currency": "EUR"},
        {"amount": "40.00", "currency": "EUR"},
    )
    [facts] = rows(OrderFacts(), PLACED, INVOICE, credit)
    assert (facts["invoiced_cents"], facts["credited_cents"]) == (6000, 2000)
