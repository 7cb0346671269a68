"""The order's state as its decisions need it, folded from its own stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from shared.events.base import Money
from shared.events.values import AgreedLine, LineChange, OrderType


class Phase(StrEnum):
    """Where the order stands for decisions (the read model shows finer statuses)."""

    NEW = "new"
    PLACED = "placed"
    BACKORDERED = "backordered"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    AMENDMENT_PROPOSED = "amendment_proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Credit(StrEnum):
    """The order's credit with its supplier: payment reserves it once the order is priced."""

    UNCHECKED = "unchecked"
    """Priced before credit was checked (orders older than the check) or not priced yet."""
    REQUESTED = "requested"
    SECURED = "secured"
    HELD = "held"


NIL = UUID(int=0)
CLOSED = frozenset({Phase.REJECTED, Phase.CANCELLED, Phase.COMPLETED})


@dataclass(frozen=True)
class ShipmentTrack:
    """One planned shipment: its units, whether it arrived, and how its units were resolved."""

    planned: int = 0
    shipped: bool = False
    delivered: bool = False
    accepted: int = 0
    rejected: int = 0
    awaiting_return: int = 0
    invoiced: int = 0
    return_authorized: int = 0


@dataclass(frozen=True)
class Fulfilment:
    """What must be settled before the order completes; sets of ids keep it idempotent."""

    shipments: dict[UUID, ShipmentTrack] = field(default_factory=dict)
    planned_by_line: dict[int, int] = field(default_factory=dict)
    invoices: frozenset[UUID] = frozenset()
    settled: frozenset[UUID] = frozenset()
    returns: frozenset[UUID] = frozenset()
    returns_received: frozenset[UUID] = frozenset()
    prepayment: UUID | None = None
    """The invoice that billed the whole order before shipment (prepaid terms)."""


@dataclass(frozen=True)
class Approval:
    """What the buyer's spending rules ask of a priced order: how many of which approvers."""

    required: int
    approvers: frozenset[str]
    given: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return len(self.given) >= self.required


@dataclass(frozen=True)
class OrderState:
    """Folded order stream; ``lines`` are the agreed (priced, maybe amended) lines."""

    phase: Phase = Phase.NEW
    order_id: UUID = NIL
    buyer_id: UUID = NIL
    supplier_id: UUID = NIL
    order_type: OrderType = OrderType.REGULAR
    ordered: tuple[tuple[int, str, int], ...] = ()
    lines: tuple[AgreedLine, ...] = ()
    total: Money | None = None
    priced: bool = False
    stock_secured: bool = False
    credit: Credit = Credit.UNCHECKED
    discount: Decimal = Decimal(0)
    pending_proposal: UUID | None = None
    pending_changes: tuple[LineChange, ...] = ()
    fulfilment: Fulfilment = field(default_factory=Fulfilment)
    placed_by: str | None = None
    approval: Approval | None = None

    @property
    def parties(self) -> dict[str, UUID]:
        """The order and both its parties, as events that name them take them."""
        return {
            "order_id": self.order_id,
            "buyer_id": self.buyer_id,
            "supplier_id": self.supplier_id,
        }

    @property
    def awaiting_approval(self) -> bool:
        return self.approval is not None and not self.approval.complete

    @property
    def shipped(self) -> bool:
        return any(track.shipped for track in self.fulfilment.shipments.values())

    @property
    def credit_clear(self) -> bool:
        return self.credit in (Credit.UNCHECKED, Credit.SECURED)

    @property
    def closed(self) -> bool:
        return self.phase in CLOSED
