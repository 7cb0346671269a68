"""What the order service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed. The examples
are real answers of a seeded system after full order lifecycles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict

from shared.service.openapi_models import Accepted, Amount, Answer

__all__ = ["Amount", "Answer"]


class Buyer(Answer):
    """A buyer company."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "name": "Lotus Hardware",
                    "tier": "gold",
                    "delivery_region": "north",
                    "tax_id": None,
                    "contact_email": "purchasing@lotus-hardware.example",
                    "language": "zh-Hant",
                    "registered_at": "2026-12-07T04:06:48.161077+00:00",
                }
            ]
        }
    )

    buyer_id: str | None = None
    name: str | None = None
    tier: str | None = None
    delivery_region: str | None = None
    tax_id: str | None = None
    contact_email: str | None = None
    language: str | None = None
    registered_at: datetime | None = None


class SupplierAutoConfirm(Answer):
    """Orders of these types up to ``max_order_total`` are confirmed without the supplier."""

    enabled: bool | None = None
    order_types: list[str] | None = None
    max_order_total: Amount | None = None


class Supplier(Answer):
    """A supplier (or distributor) and its auto-confirm rule, if any."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "name": "Jade Mountain Foods",
                    "currency": "USD",
                    "tax_id": None,
                    "contact_email": "sales@jade-mountain.example",
                    "language": "en",
                    "registered_at": "2026-12-07T04:06:48.160655+00:00",
                    "auto_confirm": {
                        "enabled": True,
                        "order_types": ["regular", "urgent"],
                        "max_order_total": {"amount": "5000", "currency": "USD"},
                    },
                }
            ]
        }
    )

    supplier_id: str | None = None
    name: str | None = None
    currency: str | None = None
    tax_id: str | None = None
    contact_email: str | None = None
    language: str | None = None
    registered_at: datetime | None = None
    auto_confirm: SupplierAutoConfirm | None = None


class OrderSummaryLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None


class OrderSummaryOutcome(Answer):
    """Why the order ended without goods: rejected (``code``, ``rejected_by``) or cancelled
    (``cancelled_by``)."""

    order_id: str | None = None
    code: str | None = None
    reason: str | None = None
    rejected_by: str | None = None
    cancelled_by: str | None = None


class OrderProgress(Answer):
    """How far the order's shipments and invoices have come (a prepayment is not counted
    here but under ``prepayment``)."""

    shipments_planned: int | None = None
    shipments_shipped: int | None = None
    shipments_delivered: int | None = None
    goods_resolutions: int | None = None
    invoices_issued: int | None = None
    invoices_settled: int | None = None


class OrderPrepayment(Answer):
    """The invoice of a prepaid order, billed on confirmation; nothing ships until settled."""

    invoice_id: str | None = None
    settled: bool | None = None


class OrderSummary(Answer):
    """An order as lists show it: status, agreed lines and total, progress."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "55e7b22e-550b-506b-921f-63f2d0ec197d",
                    "buyer_id": "3c046a00-fbac-560e-a5ad-f78d8ebbedc1",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "order_type": "regular",
                    "status": "completed",
                    "delivery_region": "north",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0016",
                            "quantity": 24,
                            "unit_price": {"amount": "2.15", "currency": "USD"},
                        }
                    ],
                    "total": {"amount": "51.60", "currency": "USD"},
                    "confirmed_by_rule": True,
                    "outcome": None,
                    "placed_at": "2026-12-07T04:08:34.694262+00:00",
                    "updated_at": "2026-12-07T04:08:35.650980+00:00",
                    "waiting_since": "2026-12-07T04:08:34.829400+00:00",
                    "version": 11,
                    "shipping": "fully",
                    "progress": {
                        "shipments_planned": 1,
                        "shipments_shipped": 1,
                        "shipments_delivered": 1,
                        "goods_resolutions": 1,
                        "invoices_issued": 0,
                        "invoices_settled": 0,
                    },
                    "prepayment": {
                        "invoice_id": "cbbe114f-2466-5ab9-a510-d98c580a2d50",
                        "settled": True,
                    },
                }
            ]
        }
    )

    order_id: str | None = None
    buyer_id: str | None = None
    supplier_id: str | None = None
    order_type: str | None = None
    status: str | None = None
    delivery_region: str | None = None
    lines: list[OrderSummaryLine] | None = None
    total: Amount | None = None
    confirmed_by_rule: bool | None = None
    outcome: OrderSummaryOutcome | None = None
    placed_at: datetime | None = None
    updated_at: datetime | None = None
    waiting_since: datetime | None = None
    version: int | None = None
    shipping: str | None = None
    progress: OrderProgress | None = None
    prepayment: OrderPrepayment | None = None


class OrderDetailPlacedLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None


class OrderDetailAgreedPrice(Answer):
    line_no: int | None = None
    unit_price: Amount | None = None


class OrderDetailSource(Answer):
    kind: str | None = None
    id: str | None = None


class OrderDetailPlaced(Answer):
    """The order as the buyer placed it."""

    buyer_id: str | None = None
    supplier_id: str | None = None
    order_type: str | None = None
    lines: list[OrderDetailPlacedLine] | None = None
    delivery_region: str | None = None
    delivery_address_id: str | None = None
    requested_delivery_date: date | None = None
    coupon_code: str | None = None
    buyer_reference: str | None = None
    agreed_prices: list[OrderDetailAgreedPrice] | None = None
    """Unit prices agreed before the order (an awarded RFQ's or accepted quote's)."""
    source: OrderDetailSource | None = None
    placed_by: str | None = None
    """Where the order came from: an RFQ, an offered quote or a checkout (null: placed alone)."""


class OrderDetailTimelineParams(Answer):
    """The values of a timeline line's ``template``, named by kind: ``_money`` an amount,
    ``_date`` a date, ``_at`` an instant, ``_code`` a code, ``_party`` warehouse or carrier
    ids (the portal shows their names)."""

    type_code: str | None = None
    line_count: int | None = None
    total_money: Amount | None = None
    by_code: str | None = None
    reason: str | None = None
    change_count: int | None = None
    tier_code: str | None = None
    warehouses_party: list[str] | None = None
    shortfall: str | None = None
    reason_code: str | None = None
    warehouse_party: list[str] | None = None
    carrier_party: list[str] | None = None
    tracking: str | None = None
    status_code: str | None = None
    location: str | None = None
    eta_at: datetime | None = None
    person: str | None = None
    units: int | None = None
    remedy_code: str | None = None
    due_date: date | None = None
    amount_money: Amount | None = None


class OrderDetailTimeline(Answer):
    """One event of any service about the order, as a line a person reads."""

    at: datetime | None = None
    event: str | None = None
    actor: str | None = None
    summary: str | None = None
    template: str | None = None
    service: str | None = None
    position: int | None = None
    params: OrderDetailTimelineParams | None = None


class OrderDetailAllocation(Answer):
    line_no: int | None = None
    sku: str | None = None
    warehouse_id: str | None = None
    quantity: int | None = None


class OrderDetailRoutingCandidateAvailable(Answer):
    sku: str | None = None
    quantity: int | None = None


class OrderDetailRoutingCandidate(Answer):
    warehouse_id: str | None = None
    serves_region: bool | None = None
    speed_rank: int | None = None
    lead_time_days: int | None = None
    available: list[OrderDetailRoutingCandidateAvailable] | None = None
    chosen: bool | None = None


class OrderDetailRouting(Answer):
    """Why the lines went to these warehouses."""

    rule: str | None = None
    order_type: str | None = None
    delivery_region: str | None = None
    candidates: list[OrderDetailRoutingCandidate] | None = None
    reason: str | None = None


class OrderDetailPricingLineDiscount(Answer):
    kind: str | None = None
    reason: str | None = None
    unit_amount: Amount | None = None
    source_id: str | None = None


class OrderDetailPricingOrderDiscount(Answer):
    kind: str | None = None
    reason: str | None = None
    amount: Amount | None = None
    source_id: str | None = None


class OrderDetailPricingLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    list_unit_price: Amount | None = None
    discounts: list[OrderDetailPricingLineDiscount] | None = None
    net_unit_price: Amount | None = None
    line_total: Amount | None = None


class OrderDetailPricingProblem(Answer):
    code: str | None = None
    detail: str | None = None
    line_no: int | None = None
    sku: str | None = None


class OrderDetailPricing(Answer):
    """Pricing's answer: ``OrderPriced`` (lines, discounts, totals) or ``OrderPricingFailed``
    (``problems``)."""

    kind: str | None = None
    tier: str | None = None
    currency: str | None = None
    lines: list[OrderDetailPricingLine] | None = None
    order_discounts: list[OrderDetailPricingOrderDiscount] | None = None
    lines_total: Amount | None = None
    total: Amount | None = None
    problems: list[OrderDetailPricingProblem] | None = None


class OrderDetailShortage(Answer):
    line_no: int | None = None
    sku: str | None = None
    requested: int | None = None
    available: int | None = None


class OrderDetailStock(Answer):
    """A stock fact of the order: committed on shipment, released (``reason``), short
    (``shortages``) or back-ordered."""

    at: datetime | None = None
    kind: str | None = None
    shipment_id: str | None = None
    warehouse_id: str | None = None
    lines: list[OrderDetailPlacedLine] | None = None
    releases: list[OrderDetailAllocation] | None = None
    reason: str | None = None
    shortages: list[OrderDetailShortage] | None = None
    expected_date: date | None = None
    supplier_id: str | None = None
    delivery_region: str | None = None


class OrderDetailNoticeLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    description: str | None = None


class OrderDetailNotice(Answer):
    """A delay (``reason``, ``new_eta``) or damage in transit (``lines``)."""

    at: datetime | None = None
    kind: str | None = None
    shipment_id: str | None = None
    reason: str | None = None
    new_eta: datetime | None = None
    previous_eta: datetime | None = None
    lines: list[OrderDetailNoticeLine] | None = None


class OrderDetailShipment(Answer):
    """One shipment of the order as its events tell it."""

    shipment_id: str | None = None
    warehouse_id: str | None = None
    lines: list[OrderDetailPlacedLine] | None = None
    delivery_region: str | None = None
    delivery_address_id: str | None = None
    ship_by: date | None = None
    status: str | None = None
    carrier_id: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    eta: datetime | None = None
    location: str | None = None
    delivered_at: datetime | None = None
    cancel_reason: str | None = None
    notices: list[OrderDetailNotice] | None = None


class OrderDetailAcceptanceLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    reason: str | None = None


class OrderDetailAcceptance(Answer):
    """Goods accepted, or rejected (each line's ``reason``, the ``remedy``)."""

    at: datetime | None = None
    kind: str | None = None
    shipment_id: str | None = None
    lines: list[OrderDetailAcceptanceLine] | None = None
    remedy: str | None = None


class OrderDetailReturnLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    condition: str | None = None


class OrderDetailReturn(Answer):
    return_id: str | None = None
    shipment_id: str | None = None
    warehouse_id: str | None = None
    lines: list[OrderDetailReturnLine] | None = None
    remedy: str | None = None
    status: str | None = None


class OrderDetailInvoiceLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None
    line_total: Amount | None = None


class OrderDetailInvoice(Answer):
    """An invoice of the order (``shipment_id`` empty for a prepayment) and what became of it."""

    invoice_id: str | None = None
    shipment_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    lines: list[OrderDetailInvoiceLine] | None = None
    total: Amount | None = None
    terms: str | None = None
    issued_on: date | None = None
    due_on: date | None = None
    status: str | None = None
    credited: Amount | None = None
    refunded: Amount | None = None
    open_amount: Amount | None = None


class OrderDetailPaymentMethod(Answer):
    kind: str | None = None
    provider: str | None = None
    reference: str | None = None


class OrderDetailPayment(Answer):
    """A payment settled, or failed (``reason``)."""

    kind: str | None = None
    payment_id: str | None = None
    invoice_id: str | None = None
    amount: Amount | None = None
    method: OrderDetailPaymentMethod | None = None
    settled_at: datetime | None = None
    reason: str | None = None


class OrderDetailRefund(Answer):
    refund_id: str | None = None
    amount: Amount | None = None
    reason: str | None = None
    invoice_id: str | None = None
    return_id: str | None = None
    method: OrderDetailPaymentMethod | None = None


class OrderDetailCreditNote(Answer):
    credit_note_id: str | None = None
    invoice_id: str | None = None
    amount: Amount | None = None
    reason: str | None = None
    return_id: str | None = None


class OrderDetailCreditFigures(Answer):
    """The buyer's account with the supplier when payment decided the order's credit."""

    requested: Amount | None = None
    reserved: Amount | None = None
    invoiced_unpaid: Amount | None = None
    limit: Amount | None = None
    available: Amount | None = None


class OrderDetailRelease(Answer):
    reason: str | None = None
    released_by: str | None = None


class OrderDetailHold(Answer):
    """Why the order was held before reaching its supplier, and its release (if any)."""

    at: datetime | None = None
    status: Literal["held", "released"] | None = None
    code: str | None = None
    reason: str | None = None
    figures: OrderDetailCreditFigures | None = None
    released: OrderDetailRelease | None = None
    released_at: datetime | None = None


class OrderDetailApprovalStep(Answer):
    """One approver's answer: approved (with an optional note) or declined (with the reason)."""

    at: datetime | None = None
    approver: str | None = None
    decision: Literal["approved", "declined"] | None = None
    note: str | None = None


class OrderDetailApproval(Answer):
    """What the buyer's spending rules asked of the order, and its approvers' answers."""

    at: datetime | None = None
    status: Literal["awaiting", "approved", "declined"] | None = None
    approvals_required: int | None = None
    approvers: list[str] | None = None
    over_amount: Amount | None = None
    categories: list[str] | None = None
    placed_by: str | None = None
    steps: list[OrderDetailApprovalStep] | None = None


class OrderDetailNegotiationChange(Answer):
    """A proposed change to one line: a new quantity, unit price or delivery date."""

    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None
    delivery_date: date | None = None


class OrderDetailNegotiation(Answer):
    """An amendment proposed, accepted or declined (``reason``)."""

    at: datetime | None = None
    kind: str | None = None
    actor: str | None = None
    proposal_id: str | None = None
    changes: list[OrderDetailNegotiationChange] | None = None
    note: str | None = None
    reason: str | None = None


class OrderDetailStateShipment(Answer):
    planned: int | None = None
    shipped: bool | None = None
    delivered: bool | None = None
    accepted: int | None = None
    rejected: int | None = None
    awaiting_return: int | None = None
    invoiced: int | None = None
    return_authorized: int | None = None


class OrderDetailStateFulfilment(Answer):
    """What must be settled before the order completes: ``shipments`` and ``planned_by_line``
    are keyed by shipment id and line number."""

    shipments: dict[str, OrderDetailStateShipment] | None = None
    planned_by_line: dict[str, int] | None = None
    invoices: list[str] | None = None
    settled: list[str] | None = None
    returns: list[str] | None = None
    returns_received: list[str] | None = None
    prepayment: str | None = None


class OrderDetailStateApproval(Answer):
    """How many approvals the buyer's rules asked for, of whom, and who gave one."""

    required: int | None = None
    approvers: list[str] | None = None
    given: list[str] | None = None


class OrderDetailState(Answer):
    """The order folded from its events (``?as_of=``); ``ordered`` holds ``[line_no, sku,
    quantity]`` as placed, ``discount`` the order discount once priced."""

    phase: str | None = None
    order_id: str | None = None
    buyer_id: str | None = None
    supplier_id: str | None = None
    order_type: str | None = None
    ordered: list[list[int | str]] | None = None
    lines: list[OrderSummaryLine] | None = None
    total: Amount | None = None
    priced: bool | None = None
    stock_secured: bool | None = None
    credit: Literal["unchecked", "requested", "secured", "held"] | None = None
    discount: Amount | None = None
    pending_proposal: str | None = None
    pending_changes: list[OrderDetailNegotiationChange] | None = None
    fulfilment: OrderDetailStateFulfilment | None = None
    placed_by: str | None = None
    approval: OrderDetailStateApproval | None = None


class OrderDetail(OrderSummary):
    """The order with every service's facts about it and a timeline (the example's timeline is
    shortened); ``shipments``, ``returns`` and ``invoices`` are keyed by their ids. With
    ``?as_of=`` the answer is the order's state at that instant instead: ``as_of``,
    ``stream_id``, ``version``, ``recorded_at`` and ``state``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "5b38ec82-40db-5cf3-990b-b939d92cf57a",
                    "buyer_id": "26df5e0f-68bd-577f-b972-d696c0c1585f",
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "order_type": "regular",
                    "status": "completed",
                    "delivery_region": "south",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "HIS-0041",
                            "quantity": 2,
                            "unit_price": {"amount": "157.65", "currency": "USD"},
                        },
                        {
                            "line_no": 2,
                            "sku": "HIS-0061",
                            "quantity": 40,
                            "unit_price": {"amount": "2.57", "currency": "USD"},
                        },
                    ],
                    "total": {"amount": "418.10", "currency": "USD"},
                    "confirmed_by_rule": False,
                    "outcome": None,
                    "placed_at": "2026-12-07T04:11:00.265230+00:00",
                    "updated_at": "2026-12-07T04:11:01.156900+00:00",
                    "waiting_since": "2026-12-07T04:11:00.654922+00:00",
                    "version": 14,
                    "shipping": "fully",
                    "progress": {
                        "shipments_planned": 1,
                        "shipments_shipped": 1,
                        "shipments_delivered": 1,
                        "goods_resolutions": 2,
                        "invoices_issued": 0,
                        "invoices_settled": 0,
                    },
                    "prepayment": {
                        "invoice_id": "703da9b2-a739-5db3-8ef1-c12d7f3bcb56",
                        "settled": True,
                    },
                    "placed": {
                        "buyer_id": "26df5e0f-68bd-577f-b972-d696c0c1585f",
                        "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                        "order_type": "regular",
                        "lines": [
                            {"line_no": 1, "sku": "HIS-0041", "quantity": 2},
                            {"line_no": 2, "sku": "HIS-0061", "quantity": 40},
                        ],
                        "delivery_region": "south",
                        "delivery_address_id": None,
                        "requested_delivery_date": None,
                        "coupon_code": None,
                        "buyer_reference": None,
                    },
                    "pricing": {
                        "kind": "OrderPriced",
                        "tier": "bronze",
                        "currency": "USD",
                        "lines": [
                            {
                                "line_no": 1,
                                "sku": "HIS-0041",
                                "quantity": 2,
                                "list_unit_price": {"amount": "162.53", "currency": "USD"},
                                "discounts": [
                                    {
                                        "kind": "tier_price",
                                        "reason": "bronze tier price",
                                        "unit_amount": {"amount": "4.88", "currency": "USD"},
                                        "source_id": None,
                                    }
                                ],
                                "net_unit_price": {"amount": "157.65", "currency": "USD"},
                                "line_total": {"amount": "315.30", "currency": "USD"},
                            },
                            {
                                "line_no": 2,
                                "sku": "HIS-0061",
                                "quantity": 40,
                                "list_unit_price": {"amount": "2.65", "currency": "USD"},
                                "discounts": [
                                    {
                                        "kind": "tier_price",
                                        "reason": "bronze tier price",
                                        "unit_amount": {"amount": "0.08", "currency": "USD"},
                                        "source_id": None,
                                    }
                                ],
                                "net_unit_price": {"amount": "2.57", "currency": "USD"},
                                "line_total": {"amount": "102.80", "currency": "USD"},
                            },
                        ],
                        "order_discounts": [],
                        "lines_total": {"amount": "418.10", "currency": "USD"},
                        "total": {"amount": "418.10", "currency": "USD"},
                    },
                    "negotiation": [],
                    "allocations": [
                        {
                            "line_no": 1,
                            "sku": "HIS-0041",
                            "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                            "quantity": 2,
                        },
                        {
                            "line_no": 2,
                            "sku": "HIS-0061",
                            "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                            "quantity": 40,
                        },
                    ],
                    "routing": [
                        {
                            "rule": "region-first",
                            "order_type": "regular",
                            "delivery_region": "south",
                            "candidates": [
                                {
                                    "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                                    "serves_region": True,
                                    "speed_rank": 3,
                                    "lead_time_days": 2,
                                    "available": [
                                        {"sku": "HIS-0041", "quantity": 92},
                                        {"sku": "HIS-0061", "quantity": 2760},
                                    ],
                                    "chosen": True,
                                },
                                {
                                    "warehouse_id": "236d0ff5-a7ba-5fce-a8b7-fcecefea6b37",
                                    "serves_region": False,
                                    "speed_rank": 2,
                                    "lead_time_days": 1,
                                    "available": [
                                        {"sku": "HIS-0041", "quantity": 152},
                                        {"sku": "HIS-0061", "quantity": 3450},
                                    ],
                                    "chosen": False,
                                },
                            ],
                            "reason": "warehouses serving region south first, then fastest; one warehouse per line where one can fill it; line 1 whole from Kaohsiung DC; line 2 whole from Kaohsiung DC",
                        }
                    ],
                    "stock": [
                        {
                            "at": "2026-12-07T04:11:00.938920+00:00",
                            "kind": "StockCommitted",
                            "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                            "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                            "lines": [
                                {"line_no": 1, "sku": "HIS-0041", "quantity": 2},
                                {"line_no": 2, "sku": "HIS-0061", "quantity": 40},
                            ],
                        }
                    ],
                    "shipments": {
                        "ddceeca5-29d4-5d35-9117-15887901e20d": {
                            "notices": [
                                {
                                    "at": "2026-12-07T04:11:00.962961+00:00",
                                    "kind": "ShipmentDelayed",
                                    "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                                    "reason": "typhoon warning",
                                    "new_eta": "2026-12-10T04:11:00.895246Z",
                                    "previous_eta": "2026-12-09T04:11:00.895246Z",
                                }
                            ],
                            "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                            "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                            "lines": [
                                {"line_no": 1, "sku": "HIS-0041", "quantity": 2},
                                {"line_no": 2, "sku": "HIS-0061", "quantity": 40},
                            ],
                            "delivery_region": "south",
                            "delivery_address_id": None,
                            "ship_by": None,
                            "status": "delivered",
                            "carrier_id": "2d89cca4-008f-5325-b8c5-f26bf756c88f",
                            "tracking_number": "TRK442251982",
                            "shipped_at": "2026-12-07T04:11:00.912272Z",
                            "eta": "2026-12-10T04:11:00.895246Z",
                            "location": "Taoyuan hub",
                            "delivered_at": "2026-12-07T04:11:00.895246Z",
                        }
                    },
                    "notices": [
                        {
                            "at": "2026-12-07T04:11:00.962961+00:00",
                            "kind": "ShipmentDelayed",
                            "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                            "reason": "typhoon warning",
                            "new_eta": "2026-12-10T04:11:00.895246Z",
                            "previous_eta": "2026-12-09T04:11:00.895246Z",
                        }
                    ],
                    "acceptance": [
                        {
                            "at": "2026-12-07T04:11:01.028470+00:00",
                            "kind": "GoodsAccepted",
                            "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                            "lines": [
                                {"line_no": 1, "sku": "HIS-0041", "quantity": 1},
                                {"line_no": 2, "sku": "HIS-0061", "quantity": 40},
                            ],
                        },
                        {
                            "at": "2026-12-07T04:11:01.028470+00:00",
                            "kind": "GoodsRejected",
                            "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                            "lines": [
                                {
                                    "line_no": 1,
                                    "sku": "HIS-0041",
                                    "quantity": 1,
                                    "reason": "carton crushed",
                                }
                            ],
                            "remedy": "return",
                        },
                    ],
                    "returns": {
                        "a4144dcf-2b75-5ed7-90d6-ae25d8f3b3ae": {
                            "return_id": "a4144dcf-2b75-5ed7-90d6-ae25d8f3b3ae",
                            "shipment_id": "ddceeca5-29d4-5d35-9117-15887901e20d",
                            "warehouse_id": "4880bfa6-ed00-53a4-ba09-00228ba4d8d6",
                            "lines": [
                                {
                                    "line_no": 1,
                                    "sku": "HIS-0041",
                                    "quantity": 1,
                                    "condition": "damaged",
                                }
                            ],
                            "remedy": "return",
                            "status": "received",
                        }
                    },
                    "invoices": {
                        "703da9b2-a739-5db3-8ef1-c12d7f3bcb56": {
                            "invoice_id": "703da9b2-a739-5db3-8ef1-c12d7f3bcb56",
                            "shipment_id": None,
                            "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                            "buyer_id": "26df5e0f-68bd-577f-b972-d696c0c1585f",
                            "lines": [
                                {
                                    "line_no": 1,
                                    "sku": "HIS-0041",
                                    "quantity": 2,
                                    "unit_price": {"amount": "157.65", "currency": "USD"},
                                    "line_total": {"amount": "315.30", "currency": "USD"},
                                },
                                {
                                    "line_no": 2,
                                    "sku": "HIS-0061",
                                    "quantity": 40,
                                    "unit_price": {"amount": "2.57", "currency": "USD"},
                                    "line_total": {"amount": "102.80", "currency": "USD"},
                                },
                            ],
                            "total": {"amount": "418.10", "currency": "USD"},
                            "terms": "prepaid",
                            "issued_on": "2026-12-07",
                            "due_on": "2026-12-07",
                            "status": "settled",
                            "credited": {"amount": "0", "currency": "USD"},
                            "refunded": {"amount": "157.65", "currency": "USD"},
                            "open_amount": {"amount": "0", "currency": "USD"},
                        }
                    },
                    "payments": [
                        {
                            "kind": "PaymentSettled",
                            "payment_id": "f86f3af9-eabe-5b60-a9f2-ab27acb6885d",
                            "invoice_id": "703da9b2-a739-5db3-8ef1-c12d7f3bcb56",
                            "amount": {"amount": "418.10", "currency": "USD"},
                            "method": {"kind": "bank_transfer", "reference": "BT-edba6b4fd34d"},
                            "settled_at": "2026-12-07T04:11:00.832873Z",
                        }
                    ],
                    "refunds": [
                        {
                            "refund_id": "d388a25c-eadf-5cdc-bfdc-de3edc499453",
                            "amount": {"amount": "157.65", "currency": "USD"},
                            "reason": "returned goods",
                            "invoice_id": "703da9b2-a739-5db3-8ef1-c12d7f3bcb56",
                            "return_id": "a4144dcf-2b75-5ed7-90d6-ae25d8f3b3ae",
                            "method": {"kind": "bank_transfer", "reference": "BT-edba6b4fd34d"},
                        }
                    ],
                    "credit_notes": [],
                    "timeline": [
                        {
                            "at": "2026-12-07T04:11:00.265230+00:00",
                            "event": "OrderPlaced",
                            "actor": "buyer:26df5e0f-68bd-577f-b972-d696c0c1585f",
                            "summary": "regular order placed, 2 line(s)",
                            "template": "%(type_code)s order placed, %(line_count)s line(s)",
                            "service": "order",
                            "position": 438,
                            "params": {"type_code": "regular", "line_count": 2},
                        },
                        {
                            "at": "2026-12-07T04:11:00.269603+00:00",
                            "event": "OrderPriced",
                            "actor": "policy:pricing.price_placed_order",
                            "summary": "priced at 418.10 USD (bronze tier)",
                            "template": "priced at %(total_money)s (%(tier_code)s tier)",
                            "service": "pricing",
                            "position": 162,
                            "params": {
                                "total_money": {"amount": "418.10", "currency": "USD"},
                                "tier_code": "bronze",
                            },
                        },
                        {
                            "at": "2026-12-07T04:11:00.684372+00:00",
                            "event": "InvoiceIssued",
                            "actor": "policy:payment.prepayments",
                            "summary": "invoice issued: 418.10 USD, due 2026-12-07",
                            "template": "invoice issued: %(total_money)s, due %(due_date)s",
                            "service": "payment",
                            "position": 109,
                            "params": {
                                "total_money": {"amount": "418.10", "currency": "USD"},
                                "due_date": "2026-12-07",
                            },
                        },
                        {
                            "at": "2026-12-07T04:11:00.962961+00:00",
                            "event": "ShipmentDelayed",
                            "actor": "carrier:2d89cca4-008f-5325-b8c5-f26bf756c88f",
                            "summary": "delayed: typhoon warning; new ETA 2026-12-10T04:11:00.895246+00:00",
                            "template": "delayed: %(reason)s; new ETA %(eta_at)s",
                            "service": "logistics",
                            "position": 389,
                            "params": {
                                "reason": "typhoon warning",
                                "eta_at": "2026-12-10T04:11:00.895246+00:00",
                            },
                        },
                        {
                            "at": "2026-12-07T04:11:01.028470+00:00",
                            "event": "GoodsRejected",
                            "actor": "buyer:26df5e0f-68bd-577f-b972-d696c0c1585f",
                            "summary": "goods refused: 1 unit(s), remedy return",
                            "template": "goods refused: %(units)s unit(s), remedy %(remedy_code)s",
                            "service": "logistics",
                            "position": 406,
                            "params": {"units": 1, "remedy_code": "return"},
                        },
                        {
                            "at": "2026-12-07T04:11:01.154608+00:00",
                            "event": "RefundIssued",
                            "actor": "policy:payment.prepayments",
                            "summary": "refund issued: 157.65 USD",
                            "template": "refund issued: %(amount_money)s",
                            "service": "payment",
                            "position": 124,
                            "params": {"amount_money": {"amount": "157.65", "currency": "USD"}},
                        },
                        {
                            "at": "2026-12-07T04:11:01.156900+00:00",
                            "event": "OrderCompleted",
                            "actor": "policy:order-records-logistics",
                            "summary": "order completed",
                            "template": "order completed",
                            "service": "order",
                            "position": 533,
                            "params": {},
                        },
                    ],
                    "revision": 20,
                },
                {
                    "as_of": "2026-12-07T04:14:10.353212+00:00",
                    "stream_id": "order-720020dd-ee54-54d7-b8d1-d567382f74e3",
                    "version": 14,
                    "recorded_at": "2026-12-07T04:11:02.259605+00:00",
                    "state": {
                        "phase": "completed",
                        "order_id": "720020dd-ee54-54d7-b8d1-d567382f74e3",
                        "buyer_id": "3c046a00-fbac-560e-a5ad-f78d8ebbedc1",
                        "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                        "order_type": "regular",
                        "ordered": [[1, "JMF-0004", 24], [2, "JMF-0022", 4]],
                        "lines": [
                            {
                                "line_no": 1,
                                "sku": "JMF-0004",
                                "quantity": 24,
                                "unit_price": {"amount": "15.88", "currency": "USD"},
                            },
                            {
                                "line_no": 2,
                                "sku": "JMF-0022",
                                "quantity": 4,
                                "unit_price": {"amount": "10.30", "currency": "USD"},
                            },
                        ],
                        "total": {"amount": "422.32", "currency": "USD"},
                        "priced": True,
                        "stock_secured": True,
                        "discount": {"amount": "0.00", "currency": "USD"},
                        "pending_proposal": None,
                        "pending_changes": [],
                        "fulfilment": {
                            "shipments": {
                                "80941b0f-c534-5cf0-91c3-02f0d0e1dc93": {
                                    "planned": 28,
                                    "shipped": True,
                                    "delivered": True,
                                    "accepted": 27,
                                    "rejected": 1,
                                    "awaiting_return": 1,
                                    "invoiced": 0,
                                    "return_authorized": 1,
                                }
                            },
                            "planned_by_line": {"1": 24, "2": 4},
                            "invoices": ["cb41c308-2b37-5b81-8703-2d968882ab98"],
                            "settled": ["cb41c308-2b37-5b81-8703-2d968882ab98"],
                            "returns": ["67e2dca3-f37a-579a-9153-630fc7dc70a4"],
                            "returns_received": ["67e2dca3-f37a-579a-9153-630fc7dc70a4"],
                            "prepayment": "cb41c308-2b37-5b81-8703-2d968882ab98",
                        },
                    },
                },
            ]
        }
    )

    placed: OrderDetailPlaced | None = None
    pricing: OrderDetailPricing | None = None
    negotiation: list[OrderDetailNegotiation] | None = None
    allocations: list[OrderDetailAllocation] | None = None
    routing: list[OrderDetailRouting] | None = None
    stock: list[OrderDetailStock] | None = None
    shipments: dict[str, OrderDetailShipment] | None = None
    notices: list[OrderDetailNotice] | None = None
    acceptance: list[OrderDetailAcceptance] | None = None
    returns: dict[str, OrderDetailReturn] | None = None
    invoices: dict[str, OrderDetailInvoice] | None = None
    payments: list[OrderDetailPayment] | None = None
    refunds: list[OrderDetailRefund] | None = None
    credit_notes: list[OrderDetailCreditNote] | None = None
    hold: OrderDetailHold | None = None
    approval: OrderDetailApproval | None = None
    timeline: list[OrderDetailTimeline] | None = None
    revision: int | None = None
    as_of: datetime | None = None
    stream_id: str | None = None
    recorded_at: datetime | None = None
    state: OrderDetailState | None = None


class ProposalAccepted(Accepted):
    """The command's answer, with the id of the amendment proposal."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "4dee679d-ab66-5287-93a7-9a38d1ed3ed2",
                    "stream_version": 4,
                    "position": 752,
                    "events": ["OrderAmendmentProposed"],
                    "proposal_id": "01a24ebd-a649-75d5-9cc6-6af483a3c1c9",
                }
            ]
        }
    )

    proposal_id: str


class CheckoutOrder(Answer):
    order_id: str | None = None
    supplier_id: str | None = None
    stream_version: int | None = None
    position: int | None = None


class CheckoutPlaced(Answer):
    """The checkout's answer: one order per supplier, all placed in one unit of work."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "checkout_id": "0f5c3a1e-9a7b-5c2d-8e4f-1a2b3c4d5e6f",
                    "orders": [
                        {
                            "order_id": "48492f1c-f363-5bd9-9b40-a0a79ef3e263",
                            "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                            "stream_version": 1,
                            "position": 24,
                        }
                    ],
                    "position": 24,
                }
            ]
        }
    )

    checkout_id: str | None = None
    orders: list[CheckoutOrder] | None = None
    position: int | None = None


class SpendingRules(Answer):
    """A buyer company's spending rules: which orders wait for which approvers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "buyer_id": "3c046a00-fbac-560e-a5ad-f78d8ebbedc1",
                    "approvers": ["buyer-03-approver", "buyer-03-controller"],
                    "one_approval_above": {"amount": "2000.00", "currency": "USD"},
                    "two_approvals_above": {"amount": "10000.00", "currency": "USD"},
                    "categories": ["tools"],
                    "version": 2,
                }
            ]
        }
    )

    buyer_id: str | None = None
    approvers: list[str] | None = None
    one_approval_above: Amount | None = None
    two_approvals_above: Amount | None = None
    categories: list[str] | None = None
    version: int | None = None


class ApprovalQueueItem(OrderSummary):
    """An order waiting for its buyer's approvers, with what its rules ask and whether the
    caller may answer it (an approver who placed it, or approved it already, may not)."""

    approval: OrderDetailApproval | None = None
    can_answer: bool | None = None
