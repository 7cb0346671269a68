"""The whole catalog: every event of every service, and the upcasters of their old versions."""

from __future__ import annotations

from shared.events import inventory, logistics, order, payment, pricing, security
from shared.events.base import DomainEvent
from shared.events.upcasting import Upcaster

EVENTS: tuple[type[DomainEvent], ...] = (
    order.EVENTS + pricing.EVENTS + inventory.EVENTS + logistics.EVENTS + payment.EVENTS
) + security.EVENTS

UPCASTERS: tuple[Upcaster, ...] = (*order.UPCASTERS, *pricing.UPCASTERS)
"""Add an upcaster here with every new schema_version of a catalog event."""
