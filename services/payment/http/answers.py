"""What the payment service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Accepted, Amount, Answer

__all__ = ["Amount", "Answer"]


class PaymentTermsOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "limit": {"amount": "5000.00", "currency": "USD"},
                }
            ]
        }
    )

    supplier_id: str | None = None
    buyer_id: str | None = None
    limit: Amount | None = None


class RefundOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "refund_id": "00000000-0000-4000-8000-000000000001",
                    "kind": "refund",
                    "invoice_id": "00000000-0000-4000-8000-000000000002",
                    "order_id": "00000000-0000-4000-8000-000000000002",
                    "return_id": None,
                    "amount": "12.50",
                    "currency": "USD",
                    "reason": "returned goods",
                    "at": "2026-12-07T03:00:00+00:00",
                }
            ]
        }
    )

    refund_id: str | None = None
    kind: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    return_id: Any = None
    amount: str | None = None
    currency: str | None = None
    reason: str | None = None
    at: str | None = None


class InvoiceOutLine(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None
    line_total: Amount | None = None


class InvoiceOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "invoice_id": "117fe542-c51d-5317-95e9-c29af35d2fd9",
                    "order_id": "4ef3e17b-ca40-5e30-9b8b-a24a09a5e7c5",
                    "shipment_id": "6f86bf1e-e26c-5c19-812e-72d7b98953a0",
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "buyer_id": "8d352d04-0cca-5071-b21d-f871771b108d",
                    "currency": "USD",
                    "total": "1251.36",
                    "credited": "0",
                    "refunded": "0",
                    "open_amount": "0",
                    "terms": "net_60",
                    "issued_on": "2026-12-07",
                    "due_on": "2027-02-05",
                    "status": "settled",
                    "payment_id": "f59048d0-3666-54f6-886d-163e0e1832ac",
                    "settled_at": "2026-12-07 03:35:24.865763",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "JMF-0013",
                            "quantity": 60,
                            "unit_price": {"amount": "16.62", "currency": "USD"},
                            "line_total": {"amount": "997.20", "currency": "USD"},
                        }
                    ],
                    "overdue": False,
                    "payments": [
                        {
                            "payment_id": "f59048d0-3666-54f6-886d-163e0e1832ac",
                            "invoice_id": "117fe542-c51d-5317-95e9-c29af35d2fd9",
                            "order_id": "4ef3e17b-ca40-5e30-9b8b-a24a09a5e7c5",
                            "outcome": "settled",
                            "amount": "1251.36",
                            "currency": "USD",
                            "method": '{"kind":"provider","provider":"sandbox","reference":"sbx_0d6fc3970df659dc9ed1859fcd234a74"}',
                            "reason": None,
                            "at": "2026-12-07 03:35:24.865763",
                        }
                    ],
                    "refunds": [],
                }
            ]
        }
    )

    invoice_id: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    currency: str | None = None
    total: str | None = None
    credited: str | None = None
    refunded: str | None = None
    open_amount: str | None = None
    terms: str | None = None
    issued_on: str | None = None
    due_on: str | None = None
    status: str | None = None
    payment_id: str | None = None
    settled_at: str | None = None
    lines: list[InvoiceOutLine] | None = None
    overdue: bool | None = None
    payments: list[InvoiceOutPayment] | None = None
    refunds: list[Any] | None = None
    as_of: str | None = None
    stream_id: str | None = None
    version: int | None = None
    recorded_at: str | None = None
    state: InvoiceOutState | None = None


class InvoiceOutPayment(Answer):
    payment_id: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    outcome: str | None = None
    amount: str | None = None
    currency: str | None = None
    method: str | None = None
    reason: Any = None
    at: str | None = None


class InvoiceOutStateIssued(Answer):
    invoice_id: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    lines: list[InvoiceOutLine] | None = None
    total: Amount | None = None
    terms: str | None = None
    issued_on: str | None = None
    due_on: str | None = None


class InvoiceOutStateSettlementMethod(Answer):
    kind: str | None = None
    provider: str | None = None
    reference: str | None = None


class InvoiceOutStateSettlement(Answer):
    payment_id: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    amount: Amount | None = None
    method: InvoiceOutStateSettlementMethod | None = None
    settled_at: str | None = None


class InvoiceOutState(Answer):
    issued: InvoiceOutStateIssued | None = None
    settlement: InvoiceOutStateSettlement | None = None
    failed: list[Any] | None = None
    credited: str | None = None
    refunded: str | None = None
    refund_ids: list[Any] | None = None


class PaymentOut(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payment_id": "f59048d0-3666-54f6-886d-163e0e1832ac",
                    "invoice_id": "117fe542-c51d-5317-95e9-c29af35d2fd9",
                    "order_id": "4ef3e17b-ca40-5e30-9b8b-a24a09a5e7c5",
                    "outcome": "settled",
                    "amount": "1251.36",
                    "currency": "USD",
                    "method": '{"kind":"provider","provider":"sandbox","reference":"sbx_0d6fc3970df659dc9ed1859fcd234a74"}',
                    "reason": None,
                    "at": "2026-12-07 03:35:24.865763",
                }
            ]
        }
    )

    payment_id: str | None = None
    invoice_id: str | None = None
    order_id: str | None = None
    outcome: str | None = None
    amount: str | None = None
    currency: str | None = None
    method: str | None = None
    reason: Any = None
    at: str | None = None


class Receivables(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "600335fa-2395-5835-9556-b186dbfe33e2",
                    "as_of": "2026-12-07",
                    "buyers": [],
                }
            ]
        }
    )

    supplier_id: str | None = None
    as_of: str | None = None
    buyers: list[Any] | None = None


class PaymentAccepted(Accepted):
    """The command's answer, with the payment it recorded."""

    payment_id: str


class RefundAccepted(Accepted):
    """The command's answer, with the refund it recorded."""

    refund_id: str
