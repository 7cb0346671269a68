"""Commands the order aggregate decides on: from people (API) and from reactions (policies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.events.base import Money
from shared.events.inventory import Shortage
from shared.events.order import (
    AgreedPrice,
    InvoiceStage,
    OrderSource,
    ReturnStage,
    ShipmentStage,
)
from shared.events.pricing import PricedLine
from shared.events.values import (
    CreditFigures,
    CreditHoldCode,
    LineChange,
    OrderLine,
    OrderType,
    Party,
)


@dataclass(frozen=True)
class ProductRules:
    """What placing an order must respect about one SKU (the order's copy of pricing's facts)."""

    pack_size: int
    min_order_qty: int
    active: bool = True


@dataclass(frozen=True)
class AutoConfirmRule:
    """A supplier's rule: confirm at once when the order type matches and the total fits."""

    order_types: frozenset[OrderType]
    max_order_total: Money | None = None


@dataclass(frozen=True)
class SpendingRules:
    """A buyer company's rules for which orders its approvers must approve first."""

    approvers: frozenset[str]
    one_approval_above: Money | None = None
    two_approvals_above: Money | None = None
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlaceOrder:
    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    order_type: OrderType
    lines: tuple[OrderLine, ...]
    delivery_region: str
    catalog: Mapping[str, ProductRules]
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None
    coupon_code: str | None = None
    buyer_reference: str | None = None
    agreed_prices: tuple[AgreedPrice, ...] = ()
    """Unit prices agreed before the order (an awarded RFQ's, an accepted quote's)."""
    source: OrderSource | None = None
    placed_by: str | None = None
    """The person placing it (their log-in name): they cannot approve their own order."""
    record_refusal: bool = False
    """A reaction cannot answer with an error: lines that break a catalog rule then place the
    order and reject it at once, saying why, instead of raising."""


@dataclass(frozen=True)
class ConfirmOrder:
    delivery_date: date | None = None


@dataclass(frozen=True)
class RejectOrder:
    reason: str
    rejected_by: Party = Party.SUPPLIER


@dataclass(frozen=True)
class ProposeAmendment:
    proposal_id: UUID
    changes: tuple[LineChange, ...]
    note: str | None = None


@dataclass(frozen=True)
class AcceptAmendment:
    proposal_id: UUID


@dataclass(frozen=True)
class DeclineAmendment:
    proposal_id: UUID
    reason: str | None = None


@dataclass(frozen=True)
class CancelOrder:
    reason: str
    cancelled_by: Party


@dataclass(frozen=True)
class RecordPricing:
    """Pricing priced the order (OrderPriced)."""

    lines: tuple[PricedLine, ...]
    total: Money
    auto_confirm: AutoConfirmRule | None = None
    spending: SpendingRules | None = None
    """The buyer's spending rules: an order they catch waits for its approvers."""
    categories: frozenset[str] = frozenset()
    """The catalog categories of the order's SKUs (for rules by category)."""


@dataclass(frozen=True)
class RecordPricingFailure:
    detail: str


@dataclass(frozen=True)
class RecordStockReserved:
    auto_confirm: AutoConfirmRule | None = None


@dataclass(frozen=True)
class RecordStockShortage:
    shortages: tuple[Shortage, ...]


@dataclass(frozen=True)
class RecordBackorder:
    lines: tuple[OrderLine, ...]
    expected_date: date | None = None


@dataclass(frozen=True)
class RecordShipment:
    shipment_id: UUID
    stage: ShipmentStage
    lines: tuple[OrderLine, ...] = ()


@dataclass(frozen=True)
class RecordGoodsResolution:
    shipment_id: UUID
    accepted: int = 0
    rejected: int = 0
    awaiting_return: bool = False


@dataclass(frozen=True)
class RecordInvoice:
    invoice_id: UUID
    stage: InvoiceStage
    amount: Money
    shipment_id: UUID | None = None
    quantity: int = 0


@dataclass(frozen=True)
class RecordReturn:
    return_id: UUID
    stage: ReturnStage
    shipment_id: UUID | None = None
    quantity: int = 0


@dataclass(frozen=True)
class RecordCreditReserved:
    """Payment set the order's total aside (a held order's too, once its credit fits)."""

    auto_confirm: AutoConfirmRule | None = None


@dataclass(frozen=True)
class RecordCreditRefused:
    code: CreditHoldCode
    reason: str
    figures: CreditFigures


@dataclass(frozen=True)
class ReleaseOrder:
    """The supplier (or operations) lets a held order go on, past its credit."""

    reason: str
    released_by: Party


@dataclass(frozen=True)
class ApproveOrder:
    """One of the buyer's approvers approves the order."""

    approver: str
    approvers: frozenset[str]
    """The company's approvers now (its rules may have named more since the order waited)."""
    note: str | None = None


@dataclass(frozen=True)
class DeclineApproval:
    """One of the buyer's approvers turns the order down; it ends."""

    approver: str
    approvers: frozenset[str]
    reason: str


Command = (
    PlaceOrder
    | ConfirmOrder
    | RejectOrder
    | ProposeAmendment
    | AcceptAmendment
    | DeclineAmendment
    | CancelOrder
    | RecordPricing
    | RecordPricingFailure
    | RecordStockReserved
    | RecordStockShortage
    | RecordBackorder
    | RecordShipment
    | RecordGoodsResolution
    | RecordInvoice
    | RecordReturn
    | RecordCreditReserved
    | RecordCreditRefused
    | ReleaseOrder
    | ApproveOrder
    | DeclineApproval
)
