"""What the sourcing service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Accepted, Amount, Answer


class PlacedOrder(Answer):
    supplier_id: str | None = None
    order_id: str | None = None


class RfqAwardAccepted(Accepted):
    """The award's answer, with the order each awarded supplier's lines become."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193b1f2-6c1e-7a4e-9d52-8f3f1c7b2a10",
                    "stream_version": 5,
                    "position": 1204,
                    "events": ["RfqAwarded"],
                    "orders": [
                        {
                            "supplier_id": "5b0c1f0e-3d5a-5a57-9a51-2f7d1c0e8b11",
                            "order_id": "6f1d2c3b-8a4e-5f6d-9c7b-1a2b3c4d5e6f",
                        },
                        {
                            "supplier_id": "7c2d3e4f-5a6b-5c7d-8e9f-0a1b2c3d4e5f",
                            "order_id": "8e3f4a5b-6c7d-5e8f-9a0b-1c2d3e4f5a6b",
                        },
                    ],
                }
            ]
        }
    )

    orders: list[PlacedOrder]


class QuoteAcceptedAnswer(Accepted):
    """The acceptance's answer, with the order the quote becomes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193b1f4-2a7c-7d1e-8b3f-4c5d6e7f8a90",
                    "stream_version": 2,
                    "position": 1311,
                    "events": ["QuoteAccepted"],
                    "order_id": "9f4a5b6c-7d8e-5f9a-8b1c-2d3e4f5a6b7c",
                }
            ]
        }
    )

    order_id: str


class QuotedLineOut(Answer):
    line_no: int | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None
    lead_time_days: int | None = None
    list_unit_price: Amount | None = None


class RfqLineOut(Answer):
    line_no: int | None = None
    description: str | None = None
    sku: str | None = None
    quantity: int | None = None
    needed_by: date | None = None


class SupplierStanding(Answer):
    supplier_id: str | None = None
    status: str | None = None
    revision: int | None = None
    answered_at: datetime | None = None
    reason: str | None = None


class QuoteOut(Answer):
    supplier_id: str | None = None
    revision: int | None = None
    lines: list[QuotedLineOut] | None = None
    delivery_charge: Amount | None = None
    valid_until: datetime | None = None
    note: str | None = None
    answered_at: datetime | None = None


class AwardOut(Answer):
    supplier_id: str | None = None
    order_id: str | None = None
    revision: int | None = None
    lines: list[QuotedLineOut] | None = None
    requested_delivery_date: date | None = None


class RfqSummary(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rfq_id": "0193b1f2-6c1e-7a4e-9d52-8f3f1c7b2a10",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "title": "Workshop supplies, March",
                    "currency": "USD",
                    "deadline": "2026-03-02T09:00:00+00:00",
                    "issued_at": "2026-03-01T08:12:40.112233+00:00",
                    "status": "open",
                    "awardable": False,
                    "line_count": 2,
                    "invited": 2,
                    "quoted": 1,
                    "declined": 0,
                }
            ]
        }
    )

    rfq_id: str | None = None
    buyer_id: str | None = None
    title: str | None = None
    currency: str | None = None
    deadline: datetime | None = None
    issued_at: datetime | None = None
    status: str | None = None
    awardable: bool | None = None
    line_count: int | None = None
    invited: int | None = None
    quoted: int | None = None
    declined: int | None = None
    standing: SupplierStanding | None = None


class RfqStep(Answer):
    at: datetime | None = None
    event: str | None = None
    actor: str | None = None
    supplier_id: str | None = None
    revision: int | None = None
    reason: str | None = None
    invited: int | None = None
    suppliers: list[str] | None = None
    orders: list[str] | None = None


class RfqDetail(RfqSummary):
    lines: list[RfqLineOut] | None = None
    delivery_region: str | None = None
    delivery_address_id: Any = None
    note: str | None = None
    suppliers: list[SupplierStanding] | None = None
    quotes: list[QuoteOut] | None = None
    awards: list[AwardOut] | None = None
    awarded_at: datetime | None = None
    history: list[RfqStep] | None = None
    version: int | None = None


class ComparedOffer(Answer):
    supplier_id: str | None = None
    sku: str | None = None
    quantity: int | None = None
    unit_price: Amount | None = None
    line_total: Amount | None = None
    landed_cost: Amount | None = None
    landed_unit_cost: Amount | None = None
    lead_time_days: int | None = None
    expired: bool | None = None
    best: list[str] | None = None


class ComparedLine(RfqLineOut):
    offers: list[ComparedOffer] | None = None


class ComparedQuote(Answer):
    supplier_id: str | None = None
    revision: int | None = None
    goods_total: Amount | None = None
    delivery_charge: Amount | None = None
    landed_total: Amount | None = None
    line_count: int | None = None
    longest_lead_time_days: int | None = None
    valid_until: datetime | None = None
    expired: bool | None = None
    best: list[str] | None = None


class Comparison(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rfq_id": "0193b1f2-6c1e-7a4e-9d52-8f3f1c7b2a10",
                    "currency": "USD",
                    "status": "open",
                    "awardable": True,
                    "quotes": [
                        {
                            "supplier_id": "5b0c1f0e-3d5a-5a57-9a51-2f7d1c0e8b11",
                            "revision": 2,
                            "goods_total": {"amount": "475.00", "currency": "USD"},
                            "delivery_charge": {"amount": "25.00", "currency": "USD"},
                            "landed_total": {"amount": "500.00", "currency": "USD"},
                            "line_count": 1,
                            "longest_lead_time_days": 3,
                            "valid_until": "2026-03-09T09:00:00+00:00",
                            "expired": False,
                            "best": ["landed_total"],
                        }
                    ],
                    "lines": [
                        {
                            "line_no": 1,
                            "description": "Hex bolts M8, zinc",
                            "sku": "BOLT-M8",
                            "quantity": 500,
                            "needed_by": "2026-03-16",
                            "offers": [
                                {
                                    "supplier_id": "5b0c1f0e-3d5a-5a57-9a51-2f7d1c0e8b11",
                                    "sku": "BOLT-M8",
                                    "quantity": 500,
                                    "unit_price": {"amount": "0.95", "currency": "USD"},
                                    "line_total": {"amount": "475.00", "currency": "USD"},
                                    "landed_cost": {"amount": "500.00", "currency": "USD"},
                                    "landed_unit_cost": {"amount": "1.00", "currency": "USD"},
                                    "lead_time_days": 3,
                                    "expired": False,
                                    "best": ["unit_price", "lead_time_days", "landed_unit_cost"],
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    )

    rfq_id: str | None = None
    currency: str | None = None
    status: str | None = None
    awardable: bool | None = None
    quotes: list[ComparedQuote] | None = None
    lines: list[ComparedLine] | None = None


class Offer(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "quote_id": "0193b1f4-2a7c-7d1e-8b3f-4c5d6e7f8a90",
                    "supplier_id": "5b0c1f0e-3d5a-5a57-9a51-2f7d1c0e8b11",
                    "buyer_id": "014cc523-1975-5c75-be07-d283c9eb2c84",
                    "title": "Spring restock, negotiated",
                    "lines": [
                        {
                            "line_no": 1,
                            "sku": "BOLT-M8",
                            "quantity": 1000,
                            "unit_price": {"amount": "0.90", "currency": "USD"},
                            "lead_time_days": 5,
                            "list_unit_price": {"amount": "1.10", "currency": "USD"},
                        }
                    ],
                    "total": {"amount": "900.00", "currency": "USD"},
                    "valid_until": "2026-03-31T23:59:59+00:00",
                    "note": "Price held for the quarter",
                    "status": "accepted",
                    "offered_at": "2026-03-01T08:30:12.401233+00:00",
                    "decided_at": "2026-03-02T10:02:45.118004+00:00",
                    "order_id": "9f4a5b6c-7d8e-5f9a-8b1c-2d3e4f5a6b7c",
                    "reason": None,
                }
            ]
        }
    )

    quote_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    title: str | None = None
    lines: list[QuotedLineOut] | None = None
    total: Amount | None = None
    valid_until: datetime | None = None
    note: str | None = None
    status: str | None = None
    offered_at: datetime | None = None
    decided_at: datetime | None = None
    order_id: str | None = None
    reason: str | None = None


class SupplierFigure(Answer):
    supplier_id: str | None = None
    invited: int | None = None
    quoted: int | None = None
    revised: int | None = None
    declined: int | None = None
    won: int | None = None
    lines_quoted: int | None = None
    lines_won: int | None = None
    offers_made: int | None = None
    offers_accepted: int | None = None
    win_percent: str | None = None
    offer_acceptance_percent: str | None = None
    awarded_value: Amount | None = None
    list_value: Amount | None = None
    savings: Amount | None = None
    savings_percent: str | None = None


class FiguresTotal(Answer):
    currency: str | None = None
    quoted: int | None = None
    won: int | None = None
    win_percent: str | None = None
    awarded_value: Amount | None = None
    list_value: Amount | None = None
    savings: Amount | None = None
    savings_percent: str | None = None


class Figures(Answer):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "suppliers": [
                        {
                            "supplier_id": "5b0c1f0e-3d5a-5a57-9a51-2f7d1c0e8b11",
                            "invited": 4,
                            "quoted": 3,
                            "revised": 1,
                            "declined": 1,
                            "won": 2,
                            "lines_quoted": 5,
                            "lines_won": 3,
                            "offers_made": 2,
                            "offers_accepted": 1,
                            "win_percent": "66.7",
                            "offer_acceptance_percent": "50.0",
                            "awarded_value": {"amount": "1375.00", "currency": "USD"},
                            "list_value": {"amount": "1540.00", "currency": "USD"},
                            "savings": {"amount": "165.00", "currency": "USD"},
                            "savings_percent": "10.7",
                        }
                    ],
                    "totals": [
                        {
                            "currency": "USD",
                            "quoted": 3,
                            "won": 2,
                            "win_percent": "66.7",
                            "awarded_value": {"amount": "1375.00", "currency": "USD"},
                            "list_value": {"amount": "1540.00", "currency": "USD"},
                            "savings": {"amount": "165.00", "currency": "USD"},
                            "savings_percent": "10.7",
                        }
                    ],
                }
            ]
        }
    )

    suppliers: list[SupplierFigure] | None = None
    totals: list[FiguresTotal] | None = None
