"""The whole catalog: every event of every service, and the upcasters of their old versions."""

from __future__ import annotations

from typing import Any

from shared.events import inventory, logistics, order, payment, pricing, security, sourcing
from shared.events.base import DomainEvent
from shared.events.upcasting import Upcaster

EVENTS: tuple[type[DomainEvent], ...] = (
    order.EVENTS
    + pricing.EVENTS
    + inventory.EVENTS
    + logistics.EVENTS
    + payment.EVENTS
    + sourcing.EVENTS
) + security.EVENTS


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    return data


UPCASTERS: tuple[Upcaster, ...] = (
    *order.UPCASTERS,
    *pricing.UPCASTERS,
    # v2 adds supplier_id and delivery_region, both unknown (null) for a v1 back-order.
    Upcaster("BackorderCreated", 1, 2, _identity),
    # v2 lets shipment_id be empty (a prepayment bills the whole order); every v1 names one.
    Upcaster("InvoiceIssued", 1, 2, _identity),
)
"""Add an upcaster here with every new schema_version of a catalog event."""
