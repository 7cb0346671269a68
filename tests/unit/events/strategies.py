"""Hypothesis strategies for any contract model, read from its pydantic fields and constraints."""

from __future__ import annotations

import functools
import types
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

from hypothesis import reject
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from shared.events.base import ISO_4217, MAX_AMOUNT, Contract, Money
from shared.events.values import Percentage

CURRENCY = st.shared(st.sampled_from(["EUR", "USD", "TWD", "JPY"]), key="currency")
"""One currency per example, so events that require a single currency can be built."""

_PERCENTAGE_RULE = get_args(Percentage)[-1]
_ZONES = [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]


LARGEST_AMOUNT = MAX_AMOUNT - Decimal("0.000001")


def decimals(max_places: int = 6) -> st.SearchStrategy[Decimal]:
    """Finite, non-negative decimals with up to ``max_places`` places: everyday ones, any up to
    the largest amount, and the largest itself."""

    def within(top: Decimal) -> st.SearchStrategy[Decimal]:
        return st.integers(0, max_places).flatmap(
            lambda places: st.decimals(
                min_value=0, max_value=top, places=places, allow_nan=False, allow_infinity=False
            )
        )

    largest = LARGEST_AMOUNT.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_DOWN)
    return st.one_of(within(Decimal(10**4)), within(largest), st.just(largest))


def money() -> st.SearchStrategy[Money]:
    """Non-negative money in the example's currency."""
    return st.builds(Money, amount=decimals(), currency=CURRENCY)


@functools.cache
def instances(model: type[Contract]) -> st.SearchStrategy[Any]:
    """Valid instances of ``model``; drafts that break a model rule are rejected."""
    fields = {
        name: _for(info.annotation, info.metadata) for name, info in model.model_fields.items()
    }
    return st.fixed_dictionaries(fields).map(lambda values: _build(model, values))


def _build(model: type[Contract], values: dict[str, Any]) -> Any:
    try:
        return model(**values)
    except ValidationError:
        reject()


def _flatten(metadata: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in metadata:
        flat.extend(_flatten(item.metadata) if isinstance(item, FieldInfo) else [item])
    return flat


def _limit(metadata: list[Any], name: str) -> Any:
    values = [getattr(m, name) for m in metadata if getattr(m, name, None) is not None]
    return values[-1] if values else None


def _for(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return _for(base, [*metadata, *extra])
    metadata = _flatten(metadata)
    if origin in (Union, types.UnionType):
        return st.one_of([_for(arg, metadata) for arg in get_args(annotation)])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is tuple:
        return _tuples(get_args(annotation)[0], metadata)
    if origin is dict:
        key, value = get_args(annotation)
        return st.dictionaries(_for(key, []), _for(value, []), max_size=3)
    return _scalar(annotation, metadata)


def _tuples(item: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    low = _limit(metadata, "min_length") or 0
    high = min(_limit(metadata, "max_length") or 3, 3)
    return st.lists(_for(item, []), min_size=low, max_size=max(low, high)).map(tuple)


def _scalar(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    if annotation is type(None):
        return st.none()
    if annotation is Money:
        return money()
    if isinstance(annotation, type) and issubclass(annotation, Contract):
        return instances(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(list(annotation))
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return _integers(metadata)
    if annotation is str:
        return _strings(metadata)
    if annotation is Decimal:
        if _PERCENTAGE_RULE in metadata:
            return st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
        return decimals()
    if annotation is UUID:
        return st.uuids()
    if annotation is datetime:
        return st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=st.sampled_from(_ZONES),
        )
    if annotation is date:
        return st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
    raise NotImplementedError(
        f"no strategy for {annotation!r}; teach tests/unit/events/strategies.py"
    )


def _integers(metadata: list[Any]) -> st.SearchStrategy[int]:
    """Any integer the bounds admit: small ones, any, and the bounds themselves."""
    low, high = -(10**6), 10**6
    if (gt := _limit(metadata, "gt")) is not None:
        low = gt + 1
    if (ge := _limit(metadata, "ge")) is not None:
        low = ge
    if (lt := _limit(metadata, "lt")) is not None:
        high = lt - 1
    if (le := _limit(metadata, "le")) is not None:
        high = le
    small = st.integers(low, min(high, max(low, 0) + 100))
    return st.one_of(small, st.integers(low, high), st.sampled_from([low, high]))


def _strings(metadata: list[Any]) -> st.SearchStrategy[str]:
    low = _limit(metadata, "min_length") or 0
    high = _limit(metadata, "max_length") or 200
    pattern = _limit(metadata, "pattern")
    if pattern == ISO_4217.pattern:
        return CURRENCY
    if pattern == r"\S":
        return st.text(min_size=max(low, 1), max_size=min(high, 40)).filter(
            lambda s: not s.isspace()
        )
    text = (
        st.text(max_size=high)
        if pattern is None
        else st.from_regex(pattern, fullmatch=pattern.startswith("^"))
    )
    return text.filter(lambda s: low <= len(s) <= high)
