"""The six services, in the order a runtime starts them."""

from __future__ import annotations

from services.inventory.service import definition as inventory
from services.logistics.service import definition as logistics
from services.order.service import definition as order
from services.payment.service import definition as payment
from services.pricing.service import definition as pricing
from services.sourcing.service import definition as sourcing
from shared.service.definition import ServiceDefinition

ALL_SERVICES: tuple[ServiceDefinition, ...] = (
    order,
    pricing,
    inventory,
    logistics,
    payment,
    sourcing,
)
