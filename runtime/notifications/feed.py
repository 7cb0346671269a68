"""Follows the services' events into the notification database: the contacts and orders mail
needs, and one outbox row per mail and recipient, written in the dispatcher's unit of work
together with its checkpoint. A redelivered event finds its rows there and queues nothing again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from runtime.notifications.kinds import BY_EVENT, Kind, Role
from runtime.notifications.store import MailStore
from shared.events import (
    BuyerRegistered,
    InvoiceIssued,
    OrderPlaced,
    PaymentSettled,
    RfqIssued,
    SupplierRegistered,
)
from shared.events.base import DomainEvent
from shared.messaging.consumer import PerEvent
from shared.messaging.dispatcher import Item

HANDLER = "notifications:mail"
MAX_AGE = timedelta(hours=24)
"""Older events build the directory but send no mail (a first start on a long history)."""

FOLLOWED: dict[str, frozenset[str]] = {
    "order": frozenset(
        {
            "BuyerRegistered",
            "SupplierRegistered",
            "OrderPlaced",
            "OrderConfirmed",
            "OrderHeld",
            "OrderReleased",
            "OrderAwaitingApproval",
            "OrderApprovalDeclined",
        }
    ),
    "logistics": frozenset({"Shipped", "ShipmentDelayed", "Delivered"}),
    "payment": frozenset({"InvoiceIssued", "PaymentSettled"}),
    "sourcing": frozenset({"RfqIssued"}),
}


def mail_handler(source: str, store: MailStore) -> PerEvent:
    async def handle(item: Item) -> None:
        envelope = item.envelope
        event = envelope.event
        match event:
            case BuyerRegistered():
                await store.party(
                    str(event.buyer_id), "buyer", event.name, event.contact_email, event.language
                )
            case SupplierRegistered():
                await store.party(
                    str(event.supplier_id),
                    "supplier",
                    event.name,
                    event.contact_email,
                    event.language,
                )
            case OrderPlaced():
                await store.order(
                    str(event.order_id),
                    str(event.buyer_id),
                    str(event.supplier_id),
                    event.buyer_reference,
                )
            case InvoiceIssued():
                facts = event.model_dump(mode="json")
                await store.invoice(str(event.invoice_id), str(event.order_id), facts)
            case PaymentSettled():
                await store.settled(str(event.invoice_id))
        kind = BY_EVENT.get((source, envelope.event_type))
        if kind is None or envelope.occurred_at < datetime.now(UTC) - MAX_AGE:
            return
        data: dict[str, Any] = event.model_dump(mode="json")
        data["occurred_at"] = envelope.occurred_at.isoformat()
        about, recipients = addressed(kind, event, data)
        for role, party_id in recipients:
            await store.enqueue(
                kind.name, role, about, str(envelope.event_id), data, party_id=party_id
            )

    return PerEvent(HANDLER, handle, event_types=FOLLOWED[source])


def addressed(
    kind: Kind, event: DomainEvent, data: dict[str, Any]
) -> tuple[str, list[tuple[Role, str | None]]]:
    """What the mail is about, and its recipients: each invited supplier of an RFQ, or the
    order's party in each of the kind's roles (found when the mail is sent)."""
    if isinstance(event, RfqIssued):
        return str(event.rfq_id), [("supplier", str(s)) for s in event.suppliers]
    return str(data["order_id"]), [(role, None) for role in kind.recipients]
