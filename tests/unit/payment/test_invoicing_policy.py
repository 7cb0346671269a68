"""The invoicing policy: one invoice per acceptance, whatever the order of the feeds and
however often an event is delivered; returns refunded or credited once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from services.payment.domain.billing import invoice_id_for
from services.payment.domain.decide import account_decider, invoice_decider
from services.payment.reactions import Invoicing
from services.payment.views.ledger import Ledger
from shared.events.base import DomainEvent, Money
from shared.events.envelope import Envelope, new_event_id
from shared.events.logistics import (
    GoodsAccepted,
    ItemCondition,
    Remedy,
    ReturnAuthorized,
    ReturnedLine,
    ReturnReceived,
)
from shared.events.order import OrderConfirmed, OrderPlaced
from shared.events.payment import CreditNoteIssued, InvoiceIssued
from shared.events.values import AgreedLine, OrderLine, OrderType, PaymentTerms
from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.service.codec import to_envelope
from shared.service.repository import Repository
from tests.databases import postgres_url
from tests.helpers import eventually

ORDER, BUYER, SUPPLIER, SHIPMENT, WAREHOUSE = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()
ACCEPTED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def envelope(event: DomainEvent, at: datetime = ACCEPTED_AT) -> Envelope:
    return Envelope(
        event_id=new_event_id(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=f"x-{ORDER}",
        stream_version=1,
        position=1,
        occurred_at=at,
        correlation_id=ORDER,
        event=event,
    )


PLACED = envelope(
    OrderPlaced(
        order_id=ORDER,
        buyer_id=BUYER,
        supplier_id=SUPPLIER,
        order_type=OrderType.REGULAR,
        lines=(OrderLine(line_no=1, sku="A-1", quantity=10),),
        delivery_region="north",
    )
)
CONFIRMED = envelope(
    OrderConfirmed(
        order_id=ORDER,
        lines=(AgreedLine(line_no=1, sku="A-1", quantity=10, unit_price=eur("2.50")),),
        total=eur("25.00"),
    )
)
ACCEPTED = envelope(
    GoodsAccepted(
        order_id=ORDER, shipment_id=SHIPMENT, lines=(OrderLine(line_no=1, sku="A-1", quantity=8),)
    )
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteEventStore]:
    opened = await SqliteEventStore.open(tmp_path / "payment.db")
    yield opened
    await opened.close()


class Delivered:
    """Hands each event to the ledger view, then to the policy, in one unit of work: as the
    dispatcher does (projections before policies), but as often as a test delivers it."""

    def __init__(
        self, store: SqliteEventStore | PostgresEventStore, ledger: Ledger, invoicing: Invoicing
    ) -> None:
        self.store, self.ledger, self.invoicing = store, ledger, invoicing

    async def on_order(self, envelope: Envelope) -> None:
        await self.deliver(envelope, self.invoicing.on_order)

    async def on_logistics(self, envelope: Envelope) -> None:
        await self.deliver(envelope, self.invoicing.on_logistics)

    async def deliver(
        self, envelope: Envelope, handle: Callable[[Envelope], Awaitable[None]]
    ) -> None:
        async with self.store.engine.begin() as tx:
            await self.ledger.apply_batch(tx, [envelope])
            await handle(envelope)


@pytest.fixture
async def policy(store: SqliteEventStore) -> Delivered:
    ledger = Ledger()
    await ledger.create_tables(store.engine)
    invoicing = Invoicing(
        ledger,
        store.engine,
        Repository(store, invoice_decider, "invoice"),
        Repository(store, account_decider, "account"),
    )
    return Delivered(store, ledger, invoicing)


async def stream(store: EventStore, invoice_id: UUID) -> list[DomainEvent]:
    return [to_envelope(r).event for r in await store.read_stream(f"invoice-{invoice_id}")]


async def test_invoices_an_acceptance_once_even_when_delivered_twice(
    store: SqliteEventStore, policy: Delivered
) -> None:
    await policy.on_order(PLACED)
    await policy.on_order(CONFIRMED)
    await policy.on_logistics(ACCEPTED)
    await policy.on_logistics(ACCEPTED)
    [issued] = await stream(store, invoice_id_for(ACCEPTED.event_id))
    assert isinstance(issued, InvoiceIssued)
    assert issued.total == eur("20.00")
    assert (issued.terms, issued.issued_on) == (PaymentTerms.NET_30, date(2026, 3, 2))
    assert issued.due_on == date(2026, 4, 1)


async def test_an_acceptance_seen_before_the_agreement_is_invoiced_when_it_arrives(
    store: SqliteEventStore, policy: Delivered
) -> None:
    await policy.on_logistics(ACCEPTED)
    assert await stream(store, invoice_id_for(ACCEPTED.event_id)) == []
    await policy.on_order(PLACED)
    await policy.on_order(CONFIRMED)
    await policy.on_order(CONFIRMED)
    assert len(await stream(store, invoice_id_for(ACCEPTED.event_id))) == 1


async def test_a_return_of_goods_rejected_at_inspection_moves_no_money(
    store: SqliteEventStore, policy: Delivered
) -> None:
    for cause in (PLACED, CONFIRMED):
        await policy.on_order(cause)
    await policy.on_logistics(ACCEPTED)
    returned, replaced = uuid4(), uuid4()
    for return_id, remedy in ((returned, Remedy.RETURN), (replaced, Remedy.REPLACEMENT)):
        authorized = ReturnAuthorized(
            return_id=return_id,
            order_id=ORDER,
            shipment_id=SHIPMENT,
            warehouse_id=WAREHOUSE,
            lines=(OrderLine(line_no=1, sku="A-1", quantity=2),),
            remedy=remedy,
        )
        received = envelope(
            ReturnReceived(
                return_id=return_id,
                order_id=ORDER,
                warehouse_id=WAREHOUSE,
                lines=(
                    ReturnedLine(
                        line_no=1, sku="A-1", quantity=2, condition=ItemCondition.RESELLABLE
                    ),
                ),
            )
        )
        await policy.on_logistics(envelope(authorized))
        await policy.on_logistics(received)
        await policy.on_logistics(received)
    events = await stream(store, invoice_id_for(ACCEPTED.event_id))
    credits = [e for e in events if isinstance(e, CreditNoteIssued)]
    assert credits == []


@pytest.mark.postgres
async def test_an_agreement_and_an_acceptance_handled_at_once_by_two_processes_invoice_once() -> (
    None
):
    """The two feeds' members may run in two processes: whichever commits last must still see
    the other (PostgreSQL; a process each is a store of its own on one schema)."""
    url, schema = postgres_url(), f"t_{uuid4().hex[:12]}"
    one = await PostgresEventStore.open(url, schema)
    two = await PostgresEventStore.open(url, schema)
    try:
        first, second = (delivered(s) for s in (one, two))
        await first.ledger.create_tables(one.engine)
        await first.on_order(PLACED)
        async with one.engine.begin() as tx:
            await first.ledger.apply_batch(tx, [CONFIRMED])
            await first.invoicing.on_order(CONFIRMED)  # not committed yet
            other = asyncio.create_task(second.on_logistics(ACCEPTED))

            async def settled() -> bool:  # done, or waiting for the first one's unit
                return other.done() or await _waits_for_a_lock(two)

            await eventually(settled, what="the second process done or waiting")
        await other
        assert len(await stream(one, invoice_id_for(ACCEPTED.event_id))) == 1
    finally:
        await one.close()
        await two.close()


def delivered(store: PostgresEventStore) -> Delivered:
    ledger = Ledger()
    invoicing = Invoicing(
        ledger,
        store.engine,
        Repository(store, invoice_decider, "invoice"),
        Repository(store, account_decider, "account"),
    )
    return Delivered(store, ledger, invoicing)


async def _waits_for_a_lock(store: PostgresEventStore) -> bool:
    async with store.engine.connect() as conn:
        waiting = await conn.fetch("SELECT count(*) FROM pg_locks WHERE NOT granted")
    return bool(waiting[0][0])


async def confirm_then_fail(ledger: Ledger, store: SqliteEventStore) -> None:
    async with store.engine.begin() as tx:
        await ledger.apply_batch(tx, [CONFIRMED])
        inside = await ledger.order(store.engine, ORDER)
        assert inside is not None
        assert inside.agreed is not None, "the unit reads the copy it wrote"
        raise RuntimeError("the unit fails")


async def test_the_order_copy_read_in_a_unit_is_the_one_the_unit_wrote(
    store: SqliteEventStore,
) -> None:
    """The ledger remembers the copies the reactions read; a unit that writes a copy reads the
    one it wrote, and a unit that rolls back leaves the one before it."""
    ledger = Ledger()
    await ledger.create_tables(store.engine)
    engine = store.engine
    async with engine.begin() as tx:
        await ledger.apply_batch(tx, [PLACED])
    before = await ledger.order(engine, ORDER)
    assert before is not None
    assert before.agreed is None
    assert await ledger.order(engine, ORDER) is before, "remembered"

    with pytest.raises(RuntimeError):
        await confirm_then_fail(ledger, store)
    after_rollback = await ledger.order(engine, ORDER)
    assert after_rollback is not None
    assert after_rollback.agreed is None, "the rolled-back agreement is not remembered"

    async with engine.begin() as tx:
        await ledger.apply_batch(tx, [CONFIRMED])
    agreed = await ledger.order(engine, ORDER)
    assert agreed is not None
    assert agreed.agreed is not None
    assert agreed.agreed[1].unit_price == eur("2.50")
