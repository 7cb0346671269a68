"""What the payment service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed. The examples
are real answers of a seeded system after full order lifecycles."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict

from shared.service.openapi_models import Accepted, Amount, Answer

__all__ = ["Amount", "Answer"]


class PaymentTermsOut(Answer):
    """A buyer's payment terms with a supplier; ``default`` when none were set."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "terms": "net_60",
                    "default": False,
                }
            ]
        }
    )

    supplier_id: str | None = None
    buyer_id: str | None = None
    terms: str | None = None
    default: bool | None = None


class CreditLimitOut(Answer):
    """The most a buyer may owe a supplier."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "limit": {"amount": "5000.00", "currency": "USD"},
                    "reserved_credit": {"amount": "1200.00", "currency": "USD"},
                    "invoiced_unpaid": {"amount": "800.00", "currency": "USD"},
                    "available_credit": {"amount": "3000.00", "currency": "USD"},
                    "overdue_grace_days": 10,
                    "held_orders": ["0193e4b2-7c1d-7a55-9f1e-6b2d0c4a8e11"],
                }
            ]
        }
    )

    supplier_id: str | None = None
    buyer_id: str | None = None
    limit: Amount | None = None
    reserved_credit: Amount | None = None
    """Set aside for orders under way (priced, not yet invoiced)."""
    invoiced_unpaid: Amount | None = None
    available_credit: Amount | None = None
    """limit - reserved_credit - invoiced_unpaid; below zero once a held order was released past it."""
    overdue_grace_days: int | None = None
    held_orders: list[str] | None = None
    """Orders held for their credit, oldest first."""


class RefundOut(Answer):
    """A refund (money paid back) or a credit note (an open amount written off): ``kind``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "refund_id": "d40b82c1-e1aa-5ae2-8c37-bed0ad1155ec",
                    "kind": "refund",
                    "invoice_id": "cb41c308-2b37-5b81-8703-2d968882ab98",
                    "order_id": "720020dd-ee54-54d7-b8d1-d567382f74e3",
                    "return_id": "67e2dca3-f37a-579a-9153-630fc7dc70a4",
                    "amount": {"amount": "15.88", "currency": "USD"},
                    "currency": "USD",
                    "reason": "returned goods",
                    "at": "2026-12-07T04:11:02.258265+00:00",
                }
            ]
        }
    )

    refund_id: str | None = None
    kind: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    return_id: str | None = None
    amount: Amount | None = None
    currency: str | None = None
    reason: str | None = None
    at: datetime | None = None


class PaymentMethodOut(Answer):
    """How money moved: ``bank_transfer`` (the bank's reference) or ``provider`` (a payment
    provider's charge)."""

    kind: str | None = None
    provider: str | None = None
    reference: str | None = None


class PaymentOut(Answer):
    """One payment attempt on an invoice: ``status`` settled or failed (with its ``reason``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payment_id": "b65008e5-a869-52d1-8368-e09ebb8568a1",
                    "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                    "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                    "amount": {"amount": "149.40", "currency": "USD"},
                    "currency": "USD",
                    "method": {
                        "kind": "provider",
                        "provider": "sandbox",
                        "reference": "sbx_1ca98cb485915c239117e0a1e06cb49b",
                    },
                    "reason": "card declined",
                    "at": "2026-12-07T04:10:42.659378+00:00",
                    "status": "failed",
                }
            ]
        }
    )

    payment_id: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    amount: Amount | None = None
    currency: str | None = None
    method: PaymentMethodOut | None = None
    reason: str | None = None
    at: datetime | None = None
    status: str | None = None


class InvoiceOutLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None
    line_total: Amount | None = None


class InvoiceOutStateIssued(Answer):
    invoice_id: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    lines: list[InvoiceOutLine] | None = None
    total: Amount | None = None
    terms: str | None = None
    issued_on: date | None = None
    due_on: date | None = None


class InvoiceOutStateSettlement(Answer):
    payment_id: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    amount: Amount | None = None
    method: PaymentMethodOut | None = None
    settled_at: datetime | None = None


class InvoiceOutState(Answer):
    """The invoice folded from its events (``?as_of=``): ``failed`` holds the references of
    declined payments."""

    issued: InvoiceOutStateIssued | None = None
    settlement: InvoiceOutStateSettlement | None = None
    failed: list[str] | None = None
    credited: Amount | None = None
    refunded: Amount | None = None
    refund_ids: list[str] | None = None
    credit_note_ids: list[str] | None = None


class InvoiceOut(Answer):
    """An invoice with its lines; one invoice also with its payment attempts and refunds.
    With ``?as_of=`` the answer is the invoice's state at that instant instead: ``as_of``,
    ``stream_id``, ``version``, ``recorded_at`` and ``state``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                    "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                    "shipment_id": None,
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "buyer_id": "bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                    "currency": "USD",
                    "total": {"amount": "149.40", "currency": "USD"},
                    "credited": {"amount": "0", "currency": "USD"},
                    "refunded": {"amount": "1.00", "currency": "USD"},
                    "open_amount": {"amount": "0", "currency": "USD"},
                    "terms": "prepaid",
                    "issued_on": "2026-12-07",
                    "due_on": "2026-12-07",
                    "status": "settled",
                    "payment_id": "167db877-28ba-5deb-9171-df5a856474a0",
                    "settled_at": "2026-12-07T04:10:42.663679+00:00",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0024",
                            "quantity": 60,
                            "unit_price": {"amount": "0.87", "currency": "USD"},
                            "line_total": {"amount": "52.20", "currency": "USD"},
                        },
                        {
                            "line_no": 2,
                            "sku": "JMF-0017",
                            "quantity": 108,
                            "unit_price": {"amount": "0.90", "currency": "USD"},
                            "line_total": {"amount": "97.20", "currency": "USD"},
                        },
                    ],
                    "overdue": False,
                    "payments": [
                        {
                            "payment_id": "b65008e5-a869-52d1-8368-e09ebb8568a1",
                            "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                            "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                            "amount": {"amount": "149.40", "currency": "USD"},
                            "currency": "USD",
                            "method": {
                                "kind": "provider",
                                "provider": "sandbox",
                                "reference": "sbx_1ca98cb485915c239117e0a1e06cb49b",
                            },
                            "reason": "card declined",
                            "at": "2026-12-07T04:10:42.659378+00:00",
                            "status": "failed",
                        },
                        {
                            "payment_id": "167db877-28ba-5deb-9171-df5a856474a0",
                            "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                            "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                            "amount": {"amount": "149.40", "currency": "USD"},
                            "currency": "USD",
                            "method": {
                                "kind": "provider",
                                "provider": "sandbox",
                                "reference": "sbx_bd4f2b0d5b195bf788fb350dfc2b9c70",
                            },
                            "reason": None,
                            "at": "2026-12-07T04:10:42.663679+00:00",
                            "status": "settled",
                        },
                    ],
                    "refunds": [
                        {
                            "refund_id": "2feb5ae7-31d2-53f9-8caf-e3ccfb56d14c",
                            "kind": "refund",
                            "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                            "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                            "return_id": None,
                            "amount": {"amount": "1.00", "currency": "USD"},
                            "currency": "USD",
                            "reason": "goodwill",
                            "at": "2026-12-07T04:10:42.671389+00:00",
                        }
                    ],
                },
                {
                    "as_of": "2026-12-07T04:14:10.353212+00:00",
                    "stream_id": "invoice-13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                    "version": 4,
                    "recorded_at": "2026-12-07T04:10:42.671556+00:00",
                    "state": {
                        "issued": {
                            "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                            "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                            "shipment_id": None,
                            "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                            "buyer_id": "bb6d07a1-3bdf-5817-88cc-c4d39dc7e35f",
                            "lines": [
                                {
                                    "line_no": 1,
                                    "sku": "JMF-0024",
                                    "quantity": 60,
                                    "unit_price": {"amount": "0.87", "currency": "USD"},
                                    "line_total": {"amount": "52.20", "currency": "USD"},
                                }
                            ],
                            "total": {"amount": "149.40", "currency": "USD"},
                            "terms": "prepaid",
                            "issued_on": "2026-12-07",
                            "due_on": "2026-12-07",
                        },
                        "settlement": {
                            "payment_id": "167db877-28ba-5deb-9171-df5a856474a0",
                            "invoice_id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                            "order_id": "70b5c771-51c9-5d74-9b3a-2a39c6aa8d8c",
                            "amount": {"amount": "149.40", "currency": "USD"},
                            "method": {
                                "kind": "provider",
                                "provider": "sandbox",
                                "reference": "sbx_bd4f2b0d5b195bf788fb350dfc2b9c70",
                            },
                            "settled_at": "2026-12-07T04:10:42.663679Z",
                        },
                        "failed": ["sbx_1ca98cb485915c239117e0a1e06cb49b"],
                        "credited": {"amount": "0", "currency": "USD"},
                        "refunded": {"amount": "1.00", "currency": "USD"},
                        "refund_ids": ["2feb5ae7-31d2-53f9-8caf-e3ccfb56d14c"],
                        "credit_note_ids": [],
                    },
                },
            ]
        }
    )

    invoice_id: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    currency: str | None = None
    total: Amount | None = None
    credited: Amount | None = None
    refunded: Amount | None = None
    open_amount: Amount | None = None
    terms: str | None = None
    issued_on: date | None = None
    due_on: date | None = None
    status: str | None = None
    payment_id: str | None = None
    settled_at: datetime | None = None
    lines: list[InvoiceOutLine] | None = None
    overdue: bool | None = None
    payments: list[PaymentOut] | None = None
    refunds: list[RefundOut] | None = None
    as_of: datetime | None = None
    stream_id: str | None = None
    version: int | None = None
    recorded_at: datetime | None = None
    state: InvoiceOutState | None = None


class ReceivablesBuyer(Answer):
    """What one buyer owes in one currency: in total (``open``) and by days past due."""

    buyer_id: str | None = None
    currency: str | None = None
    open: Amount | None = None
    current: Amount | None = None
    days_1_30: Amount | None = None
    days_31_60: Amount | None = None
    days_60_plus: Amount | None = None


class Receivables(Answer):
    """A supplier's open amounts per buyer, aged on ``as_of``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "0f0eb279-29fa-54ce-9402-671c5d2f77b9",
                    "as_of": "2026-12-07",
                    "buyers": [
                        {
                            "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                            "currency": "USD",
                            "open": {"amount": "185.76", "currency": "USD"},
                            "current": {"amount": "185.76", "currency": "USD"},
                            "days_1_30": {"amount": "0", "currency": "USD"},
                            "days_31_60": {"amount": "0", "currency": "USD"},
                            "days_60_plus": {"amount": "0", "currency": "USD"},
                        }
                    ],
                }
            ]
        }
    )

    supplier_id: str | None = None
    as_of: date | None = None
    buyers: list[ReceivablesBuyer] | None = None


class PaymentAccepted(Accepted):
    """The command's answer, with the payment it recorded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                    "stream_version": 3,
                    "position": 105,
                    "events": ["PaymentSettled"],
                    "payment_id": "167db877-28ba-5deb-9171-df5a856474a0",
                }
            ]
        }
    )

    payment_id: str


class RefundAccepted(Accepted):
    """The command's answer, with the refund it recorded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "13cd9557-fed6-5bbd-93b0-8a6a4fa1b937",
                    "stream_version": 4,
                    "position": 106,
                    "events": ["RefundIssued"],
                    "refund_id": "2feb5ae7-31d2-53f9-8caf-e3ccfb56d14c",
                }
            ]
        }
    )

    refund_id: str
