"""Request bodies of payment's API; every rule names the field that breaks it."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.events.base import Money, NonNegativeMoney
from shared.events.values import PaymentTerms, Text


def _positive(money: Money) -> Money:
    if money.amount <= 0:
        raise ValueError("the amount must be more than zero")
    return money


PositiveMoney = Annotated[Money, AfterValidator(_positive)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermsBody(Body):
    terms: PaymentTerms


class CreditLimitBody(Body):
    limit: NonNegativeMoney


class OverdueBlockBody(Body):
    grace_days: int | None = Field(
        ge=0,
        le=365,
        description="Invoices unpaid this many days after falling due stop the buyer's new"
        " orders (they are held); null: overdue invoices do not stop orders.",
    )


class BankTransferBody(Body):
    method: Literal["bank_transfer"] = "bank_transfer"
    reference: Text
    amount: PositiveMoney


SANDBOX_TOKENS = (
    "The payment provider's card token. With the sandbox provider (development and tests) a "
    "token starting `tok_ok` (e.g. `tok_ok_visa`) is charged, one starting `tok_fail` "
    "(e.g. `tok_fail_declined`) is declined (402), and any other is an unknown token (402)."
)


class ChargeBody(Body):
    token: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200,
            pattern=r"^[\w.-]+$",
            description=SANDBOX_TOKENS,
            examples=["tok_ok_visa", "tok_fail_declined"],
        ),
    ]


class RefundBody(Body):
    invoice_id: UUID
    amount: PositiveMoney
    reason: Text
