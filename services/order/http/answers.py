"""What the order service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Accepted, Amount, Answer

__all__ = ["Amount", "Answer"]


class Buyer(Answer):
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
                    "registered_at": "2026-12-07T03:35:22.867274+00:00",
                }
            ]
        }
    )

    buyer_id: str | None = None
    name: str | None = None
    tier: str | None = None
    delivery_region: str | None = None
    tax_id: Any = None
    contact_email: str | None = None
    language: str | None = None
    registered_at: str | None = None


class SupplierAutoConfirm(Answer):
    enabled: bool | None = None
    order_types: list[str] | None = None
    max_order_total: Amount | None = None


class Supplier(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "name": "Harbor Industrial Supply",
                    "currency": "USD",
                    "tax_id": None,
                    "contact_email": "orders@harbor-industrial.example",
                    "language": "zh-Hant",
                    "registered_at": "2026-12-07T03:35:22.865283+00:00",
                    "auto_confirm": None,
                }
            ]
        }
    )

    supplier_id: str | None = None
    name: str | None = None
    currency: str | None = None
    tax_id: Any = None
    contact_email: str | None = None
    language: str | None = None
    registered_at: str | None = None
    auto_confirm: SupplierAutoConfirm | None = None


class OrderSummaryLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None


class OrderSummaryOutcome(Answer):
    order_id: str | None = None
    code: str | None = None
    reason: str | None = None
    rejected_by: str | None = None


class OrderSummary(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "48492f1c-f363-5bd9-9b40-a0a79ef3e263",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "order_type": "regular",
                    "status": "completed",
                    "delivery_region": "north",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0013",
                            "quantity": 20,
                            "unit_price": {"amount": "16.62", "currency": "USD"},
                        }
                    ],
                    "total": {"amount": "726.84", "currency": "USD"},
                    "confirmed_by_rule": True,
                    "outcome": None,
                    "placed_at": "2026-12-07T03:35:24.789704+00:00",
                    "updated_at": "2026-12-07T03:35:25.010025+00:00",
                    "waiting_since": None,
                    "version": 11,
                    "planned": 1,
                    "shipped": 1,
                    "delivered": 1,
                    "resolutions": 1,
                    "invoices": 1,
                    "settled": 1,
                    "shipping": "fully",
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
    placed_at: str | None = None
    updated_at: str | None = None
    waiting_since: Any = None
    version: int | None = None
    planned: int | None = None
    shipped: int | None = None
    delivered: int | None = None
    resolutions: int | None = None
    invoices: int | None = None
    settled: int | None = None
    shipping: str | None = None


class OrderDetailPlacedLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None


class OrderDetailPlaced(Answer):
    buyer_id: str | None = None
    supplier_id: str | None = None
    order_type: str | None = None
    lines: list[OrderDetailPlacedLine] | None = None
    delivery_region: str | None = None
    delivery_address_id: Any = None
    requested_delivery_date: Any = None
    coupon_code: Any = None
    buyer_reference: Any = None


class OrderDetailTimelineParams(Answer):
    type_code: str | None = None
    lines: int | None = None
    warehouses_party: list[str] | None = None
    total_money: Amount | None = None
    tier_code: str | None = None
    warehouse_party: list[str] | None = None
    carrier_party: list[str] | None = None
    tracking: str | None = None
    status_code: str | None = None
    location: str | None = None
    person: str | None = None
    units: int | None = None
    due_date: str | None = None
    amount_money: Amount | None = None
    changes: int | None = None
    by_code: str | None = None
    reason: str | None = None
    eta_at: str | None = None
    remedy_code: str | None = None


class OrderDetailTimeline(Answer):
    at: str | None = None
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


class OrderDetailPricingLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    list_unit_price: Amount | None = None
    discounts: list[OrderDetailPricingLineDiscount] | None = None
    net_unit_price: Amount | None = None
    line_total: Amount | None = None


class OrderDetailPricing(Answer):
    kind: str | None = None
    tier: str | None = None
    currency: str | None = None
    lines: list[OrderDetailPricingLine] | None = None
    order_discounts: list[Any] | None = None
    lines_total: Amount | None = None
    total: Amount | None = None


class OrderDetailStock(Answer):
    at: str | None = None
    kind: str | None = None
    shipment_id: str | None = None
    warehouse_id: str | None = None
    lines: list[OrderDetailPlacedLine] | None = None


class OrderDetailAcceptanceLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    reason: str | None = None


class OrderDetailAcceptance(Answer):
    at: str | None = None
    kind: str | None = None
    shipment_id: str | None = None
    lines: list[OrderDetailAcceptanceLine] | None = None
    remedy: str | None = None


class OrderDetailPaymentMethod(Answer):
    kind: str | None = None
    provider: str | None = None
    reference: str | None = None


class OrderDetailPayment(Answer):
    kind: str | None = None
    payment_id: str | None = None
    invoice_id: str | None = None
    amount: Amount | None = None
    method: OrderDetailPaymentMethod | None = None
    settled_at: str | None = None


class OrderDetailNegotiationChange(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: Any = None
    unit_price: Any = None
    delivery_date: str | None = None


class OrderDetailNegotiation(Answer):
    at: str | None = None
    kind: str | None = None
    actor: str | None = None
    proposal_id: str | None = None
    changes: list[OrderDetailNegotiationChange] | None = None
    note: str | None = None


class OrderDetailNotice(Answer):
    at: str | None = None
    kind: str | None = None
    shipment_id: str | None = None
    reason: str | None = None
    new_eta: str | None = None
    previous_eta: str | None = None


class OrderDetailStateFulfilment(Answer):
    shipments: dict[str, Any] | None = None
    planned_by_line: dict[str, Any] | None = None
    invoices: list[str] | None = None
    settled: list[str] | None = None
    returns: list[Any] | None = None
    returns_received: list[Any] | None = None


class OrderDetailState(Answer):
    phase: str | None = None
    order_id: str | None = None
    buyer_id: str | None = None
    supplier_id: str | None = None
    order_type: str | None = None
    ordered: list[list[Any]] | None = None
    lines: list[OrderSummaryLine] | None = None
    total: Amount | None = None
    priced: bool | None = None
    stock_secured: bool | None = None
    discount: str | None = None
    pending_proposal: Any = None
    pending_changes: list[Any] | None = None
    fulfilment: OrderDetailStateFulfilment | None = None


class OrderDetail(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "6b4c772b-6021-5731-b2e5-8faadd38374a",
                    "buyer_id": "bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "order_type": "regular",
                    "status": "placed",
                    "delivery_region": "central",
                    "lines": [{"line_no": 1, "sku": "JMF-0019", "quantity": 36}],
                    "total": None,
                    "confirmed_by_rule": False,
                    "outcome": None,
                    "placed_at": "2026-12-07T03:35:23.447548+00:00",
                    "updated_at": "2026-12-07T03:35:23.447548+00:00",
                    "waiting_since": None,
                    "version": 1,
                    "planned": 0,
                    "shipped": 0,
                    "delivered": 0,
                    "resolutions": 0,
                    "invoices": 0,
                    "settled": 0,
                    "shipping": None,
                    "placed": {
                        "buyer_id": "bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                        "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                        "order_type": "regular",
                        "lines": [{"line_no": 1, "sku": "JMF-0019", "quantity": 36}],
                        "delivery_region": "central",
                        "delivery_address_id": None,
                        "requested_delivery_date": None,
                        "coupon_code": None,
                        "buyer_reference": None,
                    },
                    "timeline": [
                        {
                            "at": "2026-12-07T03:35:23.447548+00:00",
                            "event": "OrderPlaced",
                            "actor": "buyer:bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                            "summary": "regular order placed, 2 line(s)",
                            "template": "%(type_code)s order placed, %(lines)s line(s)",
                            "service": "order",
                            "position": 24,
                            "params": {"type_code": "regular", "lines": 2},
                        }
                    ],
                    "revision": 1,
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
    placed_at: str | None = None
    updated_at: str | None = None
    waiting_since: str | None = None
    version: int | None = None
    planned: int | None = None
    shipped: int | None = None
    delivered: int | None = None
    resolutions: int | None = None
    invoices: Any = None
    settled: int | None = None
    shipping: str | None = None
    placed: OrderDetailPlaced | None = None
    timeline: list[OrderDetailTimeline] | None = None
    revision: int | None = None
    allocations: list[OrderDetailAllocation] | None = None
    routing: list[OrderDetailRouting] | None = None
    pricing: OrderDetailPricing | None = None
    shipments: dict[str, Any] | None = None
    stock: list[OrderDetailStock] | None = None
    acceptance: list[OrderDetailAcceptance] | None = None
    payments: list[OrderDetailPayment] | None = None
    negotiation: list[OrderDetailNegotiation] | None = None
    notices: list[OrderDetailNotice] | None = None
    returns: dict[str, Any] | None = None
    as_of: str | None = None
    stream_id: str | None = None
    recorded_at: str | None = None
    state: OrderDetailState | None = None


class ProposalAccepted(Accepted):
    """The command's answer, with the id of the amendment proposal."""

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
