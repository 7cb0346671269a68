"""Events owned by the order service: parties, the order's lifecycle and its negotiation."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from shared.events.base import MAX_LINES, Contract, DomainEvent, NonNegativeMoney, Units
from shared.events.upcasting import Upcaster
from shared.events.values import (
    AgreedLine,
    Code,
    CreditFigures,
    CreditHoldCode,
    CurrencyCode,
    Email,
    LanguageTag,
    LineChange,
    LineNo,
    Lines,
    OrderLine,
    OrderType,
    Party,
    Text,
    Username,
)


class _BuyerFacts(DomainEvent):
    buyer_id: UUID
    name: Text
    tier: Code
    delivery_region: Code
    tax_id: Text | None = None
    contact_email: Email | None = None


class _SupplierFacts(DomainEvent):
    supplier_id: UUID
    name: Text
    currency: CurrencyCode
    tax_id: Text | None = None
    contact_email: Email | None = None


# Version 1 of the two party events (no language for the party's mail) stays for the data
# stored with it and for its frozen schema; the upcasters below bring it to version 2 when read.


class BuyerRegisteredV1(_BuyerFacts):
    """A buyer company joined; ``tier`` is its starting price tier (pricing may reassign it)."""

    model_config = ConfigDict(title="BuyerRegistered")
    event_type: ClassVar[str] = "BuyerRegistered"
    schema_version: ClassVar[int] = 1


class SupplierRegisteredV1(_SupplierFacts):
    """A supplier or distributor joined and sells in ``currency``."""

    model_config = ConfigDict(title="SupplierRegistered")
    event_type: ClassVar[str] = "SupplierRegistered"
    schema_version: ClassVar[int] = 1


class BuyerRegistered(_BuyerFacts):
    """A buyer company joined; ``tier`` is its starting price tier (pricing may reassign it).
    Mail to ``contact_email`` is written in ``language`` (BCP 47; none: Traditional Chinese)."""

    event_type: ClassVar[str] = "BuyerRegistered"
    schema_version: ClassVar[int] = 2

    language: LanguageTag | None = None


class SupplierRegistered(_SupplierFacts):
    """A supplier or distributor joined and sells in ``currency``. Mail to ``contact_email``
    is written in ``language`` (BCP 47; none: Traditional Chinese)."""

    event_type: ClassVar[str] = "SupplierRegistered"
    schema_version: ClassVar[int] = 2

    language: LanguageTag | None = None


def _without_language(data: dict[str, Any]) -> dict[str, Any]:
    """v1 → v2: a party registered before mail languages has none (the default applies)."""
    return {**data, "language": None}


def _placed_by_nobody(data: dict[str, Any]) -> dict[str, Any]:
    """v2 → v3: who placed an order was not recorded before approvals."""
    return {**data, "placed_by": None}


def _placed_without_agreement(data: dict[str, Any]) -> dict[str, Any]:
    """v1 → v2: an order placed before sourcing has no agreed prices and no source."""
    return {**data, "agreed_prices": [], "source": None}


UPCASTERS = (
    Upcaster("BuyerRegistered", 1, 2, _without_language),
    Upcaster("SupplierRegistered", 1, 2, _without_language),
    Upcaster("OrderPlaced", 1, 2, _placed_without_agreement),
    Upcaster("OrderPlaced", 2, 3, _placed_by_nobody),
)


class AutoConfirmRuleSet(DomainEvent):
    """A supplier's rule for confirming priced and reserved orders without a person."""

    event_type: ClassVar[str] = "AutoConfirmRuleSet"
    schema_version: ClassVar[int] = 1

    supplier_id: UUID
    enabled: bool
    order_types: tuple[OrderType, ...] = Field(min_length=1)
    max_order_total: NonNegativeMoney | None = None


MAX_APPROVERS = 50
MAX_APPROVAL_CATEGORIES = 100


class SpendingRulesSet(DomainEvent):
    """A buyer company's rules for who must approve its orders before they go on: orders over
    ``one_approval_above`` (or with a line in one of ``categories``) need one approver, orders
    over ``two_approvals_above`` two different approvers, each one of ``approvers``. No
    thresholds and no categories: no order needs approval."""

    event_type: ClassVar[str] = "SpendingRulesSet"
    schema_version: ClassVar[int] = 1

    buyer_id: UUID
    approvers: tuple[Username, ...] = Field(max_length=MAX_APPROVERS)
    one_approval_above: NonNegativeMoney | None = None
    two_approvals_above: NonNegativeMoney | None = None
    categories: tuple[Code, ...] = Field(default=(), max_length=MAX_APPROVAL_CATEGORIES)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        one, two = self.one_approval_above, self.two_approvals_above
        if one is not None and two is not None:
            if one.currency != two.currency:
                raise ValueError("both thresholds must be in one currency")
            if two.amount < one.amount:
                raise ValueError("two_approvals_above must not be below one_approval_above")
        if len(set(self.approvers)) != len(self.approvers):
            raise ValueError("each approver is named once")
        return self


class _OrderPlacedFacts(DomainEvent):
    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    order_type: OrderType
    lines: Lines[OrderLine]
    delivery_region: Code
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None
    coupon_code: Code | None = None
    buyer_reference: Text | None = None


class OrderPlacedV1(_OrderPlacedFacts):
    """A buyer placed an order with one supplier."""

    model_config = ConfigDict(title="OrderPlaced")
    event_type: ClassVar[str] = "OrderPlaced"
    schema_version: ClassVar[int] = 1


class SourceKind(StrEnum):
    """How an order came about besides a plain placement."""

    RFQ = "rfq"
    QUOTE = "quote"
    CHECKOUT = "checkout"


class OrderSource(Contract):
    """Where an order came from: an awarded RFQ, an accepted quote (sourcing's ids), or a
    checkout that placed one order per supplier at once."""

    kind: SourceKind
    id: UUID


class AgreedPrice(Contract):
    """A unit price agreed before the order (a quote's): pricing honours it over its lists."""

    line_no: LineNo
    unit_price: NonNegativeMoney


class _OrderPlacedWithAgreement(_OrderPlacedFacts):
    agreed_prices: tuple[AgreedPrice, ...] = Field(default=(), max_length=MAX_LINES)
    source: OrderSource | None = None

    @model_validator(mode="after")
    def _prices_of_its_lines(self) -> Self:
        numbers = [price.line_no for price in self.agreed_prices]
        if len(numbers) != len(set(numbers)):
            raise ValueError("each line may have one agreed price")
        if not set(numbers) <= {line.line_no for line in self.lines}:
            raise ValueError("an agreed price names a line of the order")
        if len({price.unit_price.currency for price in self.agreed_prices}) > 1:
            raise ValueError("every agreed price must be in one currency")
        return self


class OrderPlacedV2(_OrderPlacedWithAgreement):
    """A buyer placed an order with one supplier; ``agreed_prices`` are the prices of an
    awarded RFQ or accepted quote (``source``) for the lines they name."""

    model_config = ConfigDict(title="OrderPlaced")
    event_type: ClassVar[str] = "OrderPlaced"
    schema_version: ClassVar[int] = 2


class OrderPlaced(_OrderPlacedWithAgreement):
    """A buyer placed an order with one supplier; ``agreed_prices`` are the prices of an
    awarded RFQ or accepted quote (``source``) for the lines they name; ``placed_by`` is the
    person who placed it (their log-in name; none when sourcing placed it from an award)."""

    event_type: ClassVar[str] = "OrderPlaced"
    schema_version: ClassVar[int] = 3

    placed_by: Username | None = None


class OrderConfirmed(DomainEvent):
    """The supplier commits to the agreed lines (directly, by rule, or after an amendment)."""

    event_type: ClassVar[str] = "OrderConfirmed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    lines: Lines[AgreedLine]
    total: NonNegativeMoney
    delivery_date: date | None = None
    by_auto_confirm_rule: bool = False


class RejectionCode(StrEnum):
    """Why an order was rejected, for reports; the text says the rest."""

    SUPPLIER_DECLINED = "supplier_declined"
    PRICING_FAILED = "pricing_failed"
    OUT_OF_STOCK = "out_of_stock"
    CREDIT_LIMIT_EXCEEDED = "credit_limit_exceeded"
    OTHER = "other"


class OrderRejected(DomainEvent):
    """The order will not be fulfilled: the supplier or the system turned it down."""

    event_type: ClassVar[str] = "OrderRejected"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    code: RejectionCode
    reason: Text
    rejected_by: Party


class OrderAmendmentProposed(DomainEvent):
    """The supplier proposes changes to quantities, prices or delivery dates."""

    event_type: ClassVar[str] = "OrderAmendmentProposed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    proposal_id: UUID
    changes: Lines[LineChange]
    note: Text | None = None


class OrderAmendmentAccepted(DomainEvent):
    """The buyer accepted a proposal; ``changes`` repeats what now applies."""

    event_type: ClassVar[str] = "OrderAmendmentAccepted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    proposal_id: UUID
    changes: Lines[LineChange]


class OrderAmendmentDeclined(DomainEvent):
    """The buyer declined a proposal; the order stays as it was."""

    event_type: ClassVar[str] = "OrderAmendmentDeclined"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    proposal_id: UUID
    reason: Text | None = None


class OrderCancelled(DomainEvent):
    """The order was called off before delivery."""

    event_type: ClassVar[str] = "OrderCancelled"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    reason: Text
    cancelled_by: Party


class OrderCompleted(DomainEvent):
    """Every delivered line is accepted or resolved and every invoice is settled."""

    event_type: ClassVar[str] = "OrderCompleted"
    schema_version: ClassVar[int] = 1

    order_id: UUID


class OrderPricingRecorded(DomainEvent):
    """The order noted pricing's result (net unit prices and total) while stock is pending."""

    event_type: ClassVar[str] = "OrderPricingRecorded"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    lines: Lines[AgreedLine]
    total: NonNegativeMoney


class OrderStockSecured(DomainEvent):
    """The order noted that inventory reserved its stock while pricing is pending."""

    event_type: ClassVar[str] = "OrderStockSecured"
    schema_version: ClassVar[int] = 1

    order_id: UUID


class OrderReadyForConfirmation(DomainEvent):
    """Priced and reserved: the order waits for the supplier, with its priced lines and total."""

    event_type: ClassVar[str] = "OrderReadyForConfirmation"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    lines: Lines[AgreedLine]
    total: NonNegativeMoney


class OrderCreditSecured(DomainEvent):
    """Payment set the order's total aside against the buyer's credit."""

    event_type: ClassVar[str] = "OrderCreditSecured"
    schema_version: ClassVar[int] = 1

    order_id: UUID


class OrderHeld(DomainEvent):
    """The order waits before reaching its supplier: the buyer's credit does not cover it
    (both parties named, so their webhooks hear of it)."""

    event_type: ClassVar[str] = "OrderHeld"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    code: CreditHoldCode
    reason: Text
    figures: CreditFigures


class OrderReleased(DomainEvent):
    """A held order goes on: released by its supplier or operations (with their reason), or by
    payment once its credit fits (a raised limit)."""

    event_type: ClassVar[str] = "OrderReleased"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    reason: Text
    released_by: Party


class OrderAwaitingApproval(DomainEvent):
    """Priced, the order needs the buyer's own approval before it asks for credit or reaches
    the supplier: ``approvals_required`` of ``approvers`` (the one who placed it excluded)."""

    event_type: ClassVar[str] = "OrderAwaitingApproval"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    lines: Lines[AgreedLine]
    total: NonNegativeMoney
    approvals_required: int = Field(ge=1, le=2)
    approvers: tuple[Username, ...] = Field(max_length=MAX_APPROVERS)
    over_amount: NonNegativeMoney | None = None
    """The rules' amount the total is over (a total in another currency is never under it)."""
    categories: tuple[Code, ...] = Field(default=(), max_length=MAX_APPROVAL_CATEGORIES)
    """The order's categories the rules ask approval for."""


class OrderApprovalGiven(DomainEvent):
    """One of the buyer's approvers approved the order (``approvals`` so far, this one
    included)."""

    event_type: ClassVar[str] = "OrderApprovalGiven"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    approver: Username
    approvals: int = Field(ge=1, le=2)
    approvals_required: int = Field(ge=1, le=2)
    note: Text | None = None


class OrderApproved(DomainEvent):
    """The order has every approval it needs: it goes on to credit and the supplier."""

    event_type: ClassVar[str] = "OrderApproved"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    approved_by: tuple[Username, ...] = Field(min_length=1, max_length=2)


class OrderApprovalDeclined(DomainEvent):
    """An approver turned the order down (an OrderRejected by the buyer follows)."""

    event_type: ClassVar[str] = "OrderApprovalDeclined"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    approver: Username
    reason: Text


class OrderBackordered(DomainEvent):
    """A presale order waits for stock that does not exist yet."""

    event_type: ClassVar[str] = "OrderBackordered"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    lines: Lines[OrderLine]
    expected_date: date | None = None


class ShipmentStage(StrEnum):
    """How far one shipment of an order has come, as the order tracks it."""

    PLANNED = "planned"
    SHIPPED = "shipped"
    DELIVERED = "delivered"


class OrderShipmentProgressed(DomainEvent):
    """A shipment of the order was planned (with its lines), left the warehouse or arrived."""

    event_type: ClassVar[str] = "OrderShipmentProgressed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    shipment_id: UUID
    stage: ShipmentStage
    lines: tuple[OrderLine, ...] = ()


class OrderGoodsResolved(DomainEvent):
    """The buyer accepted or refused units of a shipment; ``awaiting_return`` must come back."""

    event_type: ClassVar[str] = "OrderGoodsResolved"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    shipment_id: UUID
    accepted: Units = 0
    rejected: Units = 0
    awaiting_return: bool = False


class InvoiceStage(StrEnum):
    """Where one invoice of the order stands."""

    ISSUED = "issued"
    SETTLED = "settled"


class OrderInvoiceProgressed(DomainEvent):
    """An invoice for the order was issued (for ``quantity`` units of a shipment) or settled."""

    event_type: ClassVar[str] = "OrderInvoiceProgressed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    invoice_id: UUID
    stage: InvoiceStage
    amount: NonNegativeMoney
    shipment_id: UUID | None = None
    quantity: Units = 0


class ReturnStage(StrEnum):
    """Where one return of the order stands."""

    AUTHORIZED = "authorized"
    RECEIVED = "received"


class OrderReturnProgressed(DomainEvent):
    """Refused goods were authorised for return (``quantity`` units of a shipment) or came back."""

    event_type: ClassVar[str] = "OrderReturnProgressed"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    return_id: UUID
    stage: ReturnStage
    shipment_id: UUID | None = None
    quantity: Units = 0


EVENTS: tuple[type[DomainEvent], ...] = (
    BuyerRegisteredV1,
    SupplierRegisteredV1,
    BuyerRegistered,
    SupplierRegistered,
    AutoConfirmRuleSet,
    OrderPlacedV1,
    OrderPlacedV2,
    OrderPlaced,
    OrderConfirmed,
    OrderRejected,
    OrderAmendmentProposed,
    OrderAmendmentAccepted,
    OrderAmendmentDeclined,
    OrderCancelled,
    OrderCompleted,
    OrderPricingRecorded,
    OrderStockSecured,
    OrderReadyForConfirmation,
    OrderBackordered,
    OrderCreditSecured,
    OrderHeld,
    OrderReleased,
    SpendingRulesSet,
    OrderAwaitingApproval,
    OrderApprovalGiven,
    OrderApproved,
    OrderApprovalDeclined,
    OrderShipmentProgressed,
    OrderGoodsResolved,
    OrderInvoiceProgressed,
    OrderReturnProgressed,
)
