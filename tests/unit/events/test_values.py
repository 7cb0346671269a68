"""Money, decimals, times, codes and the shared value objects keep their promises."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from shared.events import (
    DECIMAL_PATTERN,
    Allocation,
    LineChange,
    Money,
    NonNegativeMoney,
    OrderLine,
    OrderPlaced,
    OrderType,
    Percentage,
    Text,
    UtcDateTime,
)
from shared.events.base import AMOUNT_PATTERN, MAX_AMOUNT, MAX_QUANTITY

from .strategies import decimals

CANONICAL_DECIMAL = r"-?(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?"


@given(st.from_regex(CANONICAL_DECIMAL, fullmatch=True), st.sampled_from(["EUR", "TWD", "JPY"]))
def test_money_strings_round_trip_exactly(amount: str, currency: str) -> None:
    wire = {"amount": amount, "currency": currency}
    assert Money.model_validate(wire).model_dump(mode="json") == wire


@given(decimals(max_places=6))
def test_money_decimals_survive_json_with_their_value_and_places(amount: Decimal) -> None:
    money = Money(amount=amount, currency="EUR")
    wire = money.model_dump(mode="json")
    assert isinstance(wire["amount"], str)
    assert re.fullmatch(DECIMAL_PATTERN, wire["amount"])
    assert Money.model_validate(wire) == money
    assert Money.model_validate(wire).amount.as_tuple().exponent == amount.as_tuple().exponent


def test_money_travels_as_a_plain_decimal_string_never_in_exponent_form() -> None:
    wire = Money(amount=Decimal("1E+3"), currency="USD").model_dump(mode="json")
    assert wire == {"amount": "1000", "currency": "USD"}


@pytest.mark.parametrize(
    "amount", [1.5, "1e3", "NaN", "Infinity", " 1.0", "1.0\n", "1,00", "", "٣"]
)
def test_money_refuses_floats_and_strings_outside_the_pattern(amount: object) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": amount, "currency": "EUR"})


@pytest.mark.parametrize("currency", ["eur", "EURO", "E1R", ""])
def test_money_refuses_currencies_that_are_not_iso_4217_codes(currency: str) -> None:
    with pytest.raises(ValidationError):
        Money(amount=Decimal(1), currency=currency)


def test_money_schema_says_amount_is_a_patterned_string() -> None:
    amount = Money.model_json_schema(mode="serialization")["properties"]["amount"]
    assert amount["type"] == "string"
    assert amount["pattern"] == AMOUNT_PATTERN


@pytest.mark.parametrize(
    "amount", ["1000000000000", "-1000000000000", "0.0000001", "9" * 30, Decimal("1E+12")]
)
def test_money_refuses_amounts_beyond_its_bounds(amount: object) -> None:
    with pytest.raises(ValidationError, match="at most 12 digits before the decimal point"):
        Money.model_validate({"amount": amount, "currency": "EUR"})
    assert Money(amount=Decimal("999999999999.999999"), currency="EUR").amount < MAX_AMOUNT


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (OrderLine, {"line_no": 1, "sku": "A", "quantity": MAX_QUANTITY + 1}),
        (OrderLine, {"line_no": 1, "sku": "A", "quantity": 2**63}),
        (OrderLine, {"line_no": 10**6, "sku": "A", "quantity": 1}),
    ],
)
def test_quantities_and_line_numbers_have_upper_bounds(
    model: type, data: dict[str, object]
) -> None:
    with pytest.raises(ValidationError, match="less than or equal"):
        TypeAdapter(model).validate_python(data)


def test_prices_refuse_negative_amounts_but_plain_money_allows_them() -> None:
    with pytest.raises(ValidationError, match="must not be negative"):
        TypeAdapter(NonNegativeMoney).validate_python({"amount": "-0.01", "currency": "EUR"})
    assert Money(amount=Decimal("-0.01"), currency="EUR").amount == Decimal("-0.01")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        TypeAdapter(UtcDateTime).validate_python(datetime(2025, 1, 1, 12, 0))
    with pytest.raises(ValidationError, match="time zone"):
        TypeAdapter(UtcDateTime).validate_python("2025-01-01T12:00:00")


def test_aware_datetimes_are_normalised_to_utc_and_written_with_z() -> None:
    taipei = datetime(2025, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    adapter = TypeAdapter(UtcDateTime)
    value = adapter.validate_python(taipei)
    assert value.utcoffset() == timedelta(0)
    assert value == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    assert adapter.dump_python(value, mode="json") == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("value", "ok"), [("0.01", True), ("100", True), ("0", False), ("100.01", False)]
)
def test_percentages_lie_above_zero_and_at_most_one_hundred(value: str, ok: bool) -> None:
    adapter = TypeAdapter(Percentage)
    if ok:
        assert adapter.dump_python(adapter.validate_python(value), mode="json") == value
    else:
        with pytest.raises(ValidationError, match="percentage"):
            adapter.validate_python(value)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_texts_are_never_blank(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Text).validate_python(text)


def order_placed(*lines: OrderLine) -> OrderPlaced:
    return OrderPlaced(
        order_id=uuid4(),
        buyer_id=uuid4(),
        supplier_id=uuid4(),
        order_type=OrderType.REGULAR,
        lines=lines,
        delivery_region="TW-TPE",
    )


def test_an_order_needs_at_least_one_line() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        order_placed()


def test_an_order_line_number_appears_once() -> None:
    with pytest.raises(ValidationError, match="line number may appear only once"):
        order_placed(
            OrderLine(line_no=1, sku="A-1", quantity=1), OrderLine(line_no=1, sku="B-2", quantity=1)
        )


@pytest.mark.parametrize("quantity", [0, -1])
def test_ordered_quantities_are_positive(quantity: int) -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        OrderLine(line_no=1, sku="A-1", quantity=quantity)


@pytest.mark.parametrize("sku", ["", "-leading-dash", "has space", "x" * 65])
def test_skus_are_short_codes(sku: str) -> None:
    with pytest.raises(ValidationError):
        OrderLine(line_no=1, sku=sku, quantity=1)


def test_a_line_change_must_change_something() -> None:
    with pytest.raises(ValidationError, match="must change"):
        LineChange(line_no=1, sku="A-1")
    assert LineChange(line_no=1, sku="A-1", quantity=0).quantity == 0


def test_allocations_name_a_warehouse_and_a_positive_quantity() -> None:
    with pytest.raises(ValidationError):
        Allocation(line_no=1, sku="A-1", warehouse_id=uuid4(), quantity=0)


@pytest.mark.parametrize(
    ("amount", "ok"),
    [("999999999999.999999", True), ("-0.5", True), ("007", True), ("1000000000000", False),
     ("0.0000001", False), ("1e3", False), ("٣", False), ("1.", False)],
)  # fmt: skip
def test_amounts_read_from_json_text_keep_the_same_bounds(amount: str, ok: bool) -> None:
    text = json.dumps({"amount": amount, "currency": "EUR"})
    if ok:
        assert Money.model_validate_json(text).amount == Decimal(amount)
    else:
        with pytest.raises(ValidationError):
            Money.model_validate_json(text)
