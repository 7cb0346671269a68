"""What the sourcing service answers, as documented in the OpenAPI document (see
shared/service/openapi_models.py): every field optional, unknown fields allowed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from shared.service.openapi_models import Accepted, Amount, Answer


class PlacedOrder(Answer):
    supplier_id: str | None = None
    order_id: str | None = None


class RfqAwardAccepted(Accepted):
    """The award's answer, with the order each awarded supplier's lines become."""

    orders: list[PlacedOrder]


class QuoteAcceptedAnswer(Accepted):
    """The acceptance's answer, with the order the quote becomes."""

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
    needed_by: str | None = None


class SupplierStanding(Answer):
    supplier_id: str | None = None
    status: str | None = None
    revision: int | None = None
    answered_at: str | None = None
    reason: str | None = None


class QuoteOut(Answer):
    supplier_id: str | None = None
    revision: int | None = None
    lines: list[QuotedLineOut] | None = None
    delivery_charge: Amount | None = None
    valid_until: str | None = None
    note: str | None = None
    answered_at: str | None = None


class AwardOut(Answer):
    supplier_id: str | None = None
    order_id: str | None = None
    revision: int | None = None
    lines: list[QuotedLineOut] | None = None
    requested_delivery_date: str | None = None


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
    deadline: str | None = None
    issued_at: str | None = None
    status: str | None = None
    awardable: bool | None = None
    line_count: int | None = None
    invited: int | None = None
    quoted: int | None = None
    declined: int | None = None
    standing: SupplierStanding | None = None


class RfqStep(Answer):
    at: str | None = None
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
    awarded_at: str | None = None
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
    valid_until: str | None = None
    expired: bool | None = None
    best: list[str] | None = None


class Comparison(Answer):
    rfq_id: str | None = None
    currency: str | None = None
    status: str | None = None
    awardable: bool | None = None
    quotes: list[ComparedQuote] | None = None
    lines: list[ComparedLine] | None = None


class Offer(Answer):
    quote_id: str | None = None
    supplier_id: str | None = None
    buyer_id: str | None = None
    title: str | None = None
    lines: list[QuotedLineOut] | None = None
    total: Amount | None = None
    valid_until: str | None = None
    note: str | None = None
    status: str | None = None
    offered_at: str | None = None
    decided_at: str | None = None
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
    offers: int | None = None
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
    suppliers: list[SupplierFigure] | None = None
    totals: list[FiguresTotal] | None = None
