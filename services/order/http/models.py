"""Request bodies of the order API: pydantic models whose constraints name the field at fault."""

from datetime import date
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.base import MAX_LINES, NonNegativeMoney, PositiveQuantity
from shared.events.order import MAX_APPROVAL_CATEGORIES, MAX_APPROVERS
from shared.events.values import (
    Code,
    CurrencyCode,
    Email,
    LanguageTag,
    LineChange,
    LineNo,
    OrderType,
    Sku,
    Text,
    Username,
)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BuyerIn(Body):
    buyer_id: UUID | None = None
    name: Text
    tier: Code
    delivery_region: Code
    tax_id: Text | None = None
    contact_email: Email | None = None
    language: LanguageTag | None = Field(
        default=None, description="the language of its mail (BCP 47)", examples=["zh-Hant"]
    )


class SupplierIn(Body):
    supplier_id: UUID | None = None
    name: Text
    currency: CurrencyCode
    tax_id: Text | None = None
    contact_email: Email | None = None
    language: LanguageTag | None = Field(
        default=None, description="the language of its mail (BCP 47)", examples=["en"]
    )


class AutoConfirmIn(Body):
    enabled: bool
    order_types: Annotated[tuple[OrderType, ...], Field(min_length=1, max_length=3)]
    max_order_total: NonNegativeMoney | None = None


class LineIn(Body):
    line_no: LineNo | None = None
    sku: Sku
    quantity: PositiveQuantity


class PlaceOrderIn(Body):
    buyer_id: UUID
    supplier_id: UUID
    order_type: OrderType = OrderType.REGULAR
    lines: Annotated[tuple[LineIn, ...], Field(min_length=1, max_length=500)]
    delivery_region: Code | None = None
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None
    coupon_code: Code | None = None
    buyer_reference: Text | None = None


class ConfirmIn(Body):
    delivery_date: date | None = None


class ReasonIn(Body):
    reason: Text


class OptionalReasonIn(Body):
    reason: Text | None = None


class AmendmentIn(Body):
    changes: Annotated[tuple[LineChange, ...], Field(min_length=1, max_length=MAX_LINES)]
    note: Text | None = None


MAX_CHECKOUT_GROUPS = 20
"""The most suppliers one checkout places orders with."""


class CheckoutGroupIn(Body):
    """One supplier's part of a checkout: it becomes one order."""

    supplier_id: UUID
    order_type: OrderType = OrderType.REGULAR
    lines: Annotated[tuple[LineIn, ...], Field(min_length=1, max_length=500)]
    delivery_region: Code | None = None
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None
    coupon_code: Code | None = None
    buyer_reference: Text | None = None


class CheckoutIn(Body):
    buyer_id: UUID
    groups: Annotated[
        tuple[CheckoutGroupIn, ...], Field(min_length=1, max_length=MAX_CHECKOUT_GROUPS)
    ]


class SpendingRulesIn(Body):
    approvers: Annotated[
        tuple[Username, ...],
        Field(
            max_length=MAX_APPROVERS,
            description="log-in names of the company's users who approve its orders",
            examples=[["buyer-03-approver", "buyer-03-controller"]],
        ),
    ]
    one_approval_above: NonNegativeMoney | None = Field(
        default=None, description="orders over this total need one approver"
    )
    two_approvals_above: NonNegativeMoney | None = Field(
        default=None, description="orders over this total need two different approvers"
    )
    categories: Annotated[
        tuple[Code, ...],
        Field(
            max_length=MAX_APPROVAL_CATEGORIES,
            description="orders with a line in one of these catalog categories need one approver",
        ),
    ] = ()

    @model_validator(mode="after")
    def _thresholds_agree(self) -> Self:
        one, two = self.one_approval_above, self.two_approvals_above
        if one is not None and two is not None:
            if one.currency != two.currency:
                raise ValueError("two_approvals_above: use the currency of one_approval_above")
            if two.amount < one.amount:
                raise ValueError("two_approvals_above: must not be below one_approval_above")
        if len(set(self.approvers)) != len(self.approvers):
            raise ValueError("approvers: name each approver once")
        return self


class ApprovalIn(Body):
    note: Text | None = None
