"""Where an order stands, as the order API shows it (``status``) and its clients read it.

One enum for the order service's read models, its query parameters (``status``,
``until_status``), the OpenAPI document (an ``enum``) and the portal: a new status is added here
once, and every place that names statuses is then checked against it."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PLACED = "placed"
    """Placed: pricing, stock and credit are being worked out."""
    AWAITING_APPROVAL = "awaiting_approval"
    """Priced, and waiting for the buyer's own approvers (its spending rules caught it)."""
    ON_HOLD = "on_hold"
    """Held before reaching the supplier: the buyer's credit does not cover it."""
    BACKORDERED = "backordered"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    AMENDMENT_PROPOSED = "amendment_proposed"
    CONFIRMED = "confirmed"
    AWAITING_PREPAYMENT = "awaiting_prepayment"
    """Confirmed on prepaid terms: nothing ships until its invoice is paid."""
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    INVOICED = "invoiced"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


TERMINAL = frozenset({OrderStatus.COMPLETED, OrderStatus.REJECTED, OrderStatus.CANCELLED})
"""Statuses an order never leaves."""

SUPPLIER_QUEUE = (
    OrderStatus.ON_HOLD,
    OrderStatus.AWAITING_CONFIRMATION,
    OrderStatus.AMENDMENT_PROPOSED,
    OrderStatus.AWAITING_PREPAYMENT,
)
"""Statuses that keep an order in its supplier's work queue (a held one waits for its release
or a raised limit: it cannot be confirmed)."""

FULFILMENT = (
    OrderStatus.CONFIRMED,
    OrderStatus.AWAITING_PREPAYMENT,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.ACCEPTED,
    OrderStatus.INVOICED,
)
"""Statuses of a confirmed order that follow its shipments and invoices."""

OPEN = tuple(s for s in OrderStatus if s not in TERMINAL)
"""Statuses of an order still under way."""
