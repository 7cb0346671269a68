"""The kinds of mail the platform sends, which event sends each, and to whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["buyer", "supplier"]
About = Literal["order", "rfq"]


def N_(message: str) -> str:
    """Mark a message for the catalogs (``make translations``); translated when rendered."""
    return message


@dataclass(frozen=True)
class Kind:
    name: str
    source: str
    event_type: str
    recipients: tuple[Role, ...]
    subject: str
    """A catalog message with ``%(order)s`` / ``%(invoice)s`` (or ``%(rfq)s`` and ``%(buyer)s``)
    placeholders."""
    label: str
    """What the kind is called where a user switches it on or off."""
    about: About = "order"
    """What the mail is about and links to: an order (sent to its party in each role) or an
    RFQ (sent to each supplier it invites)."""


KINDS: tuple[Kind, ...] = (
    Kind("order_placed", "order", "OrderPlaced", ("buyer", "supplier"),
         N_("Order %(order)s placed"), N_("An order is placed")),
    Kind("order_confirmed", "order", "OrderConfirmed", ("buyer",),
         N_("Order %(order)s confirmed"), N_("An order is confirmed")),
    Kind("order_awaiting_approval", "order", "OrderAwaitingApproval", ("buyer",),
         N_("Order %(order)s waits for approval"), N_("An order waits for your approvers")),
    Kind("order_not_approved", "order", "OrderApprovalDeclined", ("buyer",),
         N_("Order %(order)s not approved"), N_("An approver declines an order")),
    Kind("order_held", "order", "OrderHeld", ("buyer", "supplier"),
         N_("Order %(order)s on hold"), N_("An order is held for its credit")),
    Kind("order_released", "order", "OrderReleased", ("buyer", "supplier"),
         N_("Order %(order)s released"), N_("A held order is released")),
    Kind("order_shipped", "logistics", "Shipped", ("buyer",),
         N_("Order %(order)s shipped"), N_("A shipment leaves the warehouse")),
    Kind("shipment_delayed", "logistics", "ShipmentDelayed", ("buyer", "supplier"),
         N_("Order %(order)s delayed"), N_("A shipment is delayed")),
    Kind("order_delivered", "logistics", "Delivered", ("buyer", "supplier"),
         N_("Order %(order)s delivered"), N_("A shipment is delivered")),
    Kind("invoice_issued", "payment", "InvoiceIssued", ("buyer",),
         N_("Invoice %(invoice)s for order %(order)s"), N_("An invoice is issued")),
    Kind("invoice_overdue", "payment", "", ("buyer", "supplier"),
         N_("Invoice %(invoice)s is overdue"), N_("An invoice is overdue")),
    Kind("rfq_received", "sourcing", "RfqIssued", ("supplier",),
         N_("Request for quotation %(rfq)s from %(buyer)s"),
         N_("A buyer invites you to quote"), about="rfq"),
)  # fmt: skip
BY_NAME = {kind.name: kind for kind in KINDS}
BY_EVENT = {(kind.source, kind.event_type): kind for kind in KINDS if kind.event_type}
OVERDUE = BY_NAME["invoice_overdue"]
"""Sent once an open invoice is past its due date (a time, not an event, makes it due)."""
