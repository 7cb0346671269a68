"""Every catalog event: registered, documented, and unchanged by a trip through JSON."""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import shared.events
from shared.events import DECIMAL_PATTERN, DEFAULT_REGISTRY, DomainEvent, parse, serialize

from .strategies import instances

REGISTERED = DEFAULT_REGISTRY.models()
CATALOG = tuple(
    m for m in REGISTERED if m.schema_version == DEFAULT_REGISTRY.latest_version(m.event_type)
)
"""The current model of each event type; older versions are kept only to read old data."""
SUPERSEDED = tuple(m for m in REGISTERED if m not in CATALOG)
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.filter_too_much]

OWNERS = {
    "order": [
        "BuyerRegistered", "SupplierRegistered", "AutoConfirmRuleSet", "OrderPlaced",
        "OrderConfirmed", "OrderRejected", "OrderAmendmentProposed", "OrderAmendmentAccepted",
        "OrderAmendmentDeclined", "OrderCancelled", "OrderCompleted",
    ],
    "pricing": [
        "ProductRegistered", "ProductUpdated", "PriceListSet", "CustomerPriceSet",
        "CustomerTierAssigned", "PromotionCreated", "CouponCreated", "OrderPriced",
        "OrderPricingFailed",
    ],
    "inventory": [
        "WarehouseRegistered", "ReorderThresholdSet", "StockReceived", "StockAdjusted", "StockLow",
        "ReplenishmentRequested", "StockReserved", "StockReservationFailed", "StockReleased",
        "StockCommitted", "BackorderCreated",
    ],
    "logistics": [
        "CarrierRegistered", "DeliveryAddressRegistered", "ShipmentPlanned", "Shipped",
        "ShipmentStatusUpdated", "ShipmentDelayed", "ShipmentDamaged", "Delivered",
        "GoodsAccepted", "GoodsRejected", "ReturnAuthorized", "ReturnReceived",
    ],
    "payment": [
        "PaymentTermsSet", "CreditLimitSet", "InvoiceIssued", "PaymentSettled", "PaymentFailed",
        "RefundIssued", "OverdueBlockSet", "CreditReserved", "CreditReservationRefused",
        "CreditReleased", "CreditInvoiced", "CreditRepaid",
    ],
    "security": [
        "LoginSucceeded", "LoginFailed", "AccountUnlocked", "UserRoleChanged", "ApiKeyIssued",
        "ApiKeyRevoked", "WebhookSubscribed", "WebhookSubscriptionRefused", "WebhookUnsubscribed",
        "AccessDenied",
    ],
    "sourcing": [
        "RfqIssued", "RfqQuoteSubmitted", "RfqQuoteRevised", "RfqDeclined", "RfqCancelled",
        "RfqAwarded", "QuoteOffered", "QuoteAccepted", "QuoteDeclined",
    ],
}  # fmt: skip

MASTER_DATA = {
    "BuyerRegistered",
    "SupplierRegistered",
    "AutoConfirmRuleSet",
    "SpendingRulesSet",
    "ProductRegistered",
    "ProductUpdated",
    "PriceListSet",
    "CustomerPriceSet",
    "CustomerTierAssigned",
    "PromotionCreated",
    "CouponCreated",
    "WarehouseRegistered",
    "ReorderThresholdSet",
    "StockReceived",
    "StockAdjusted",
    "StockLow",
    "ReplenishmentRequested",
    "CarrierRegistered",
    "DeliveryAddressRegistered",
    "PaymentTermsSet",
    "CreditLimitSet",
    "OverdueBlockSet",
}


def by_name(model: type[DomainEvent]) -> str:
    return f"{model.event_type}.v{model.schema_version}"


def test_the_catalog_holds_every_event_of_the_lifecycle_and_master_data() -> None:
    registered = {model.event_type: model for model in CATALOG}
    for owner, event_types in OWNERS.items():
        assert sorted(set(event_types) - set(registered)) == [], owner
        for event_type in event_types:
            assert registered[event_type].__module__ == f"shared.events.{owner}", event_type


@pytest.mark.parametrize("model", CATALOG, ids=by_name)
def test_each_event_is_named_after_its_class_and_documented(model: type[DomainEvent]) -> None:
    latest = DEFAULT_REGISTRY.latest_version(model.event_type)
    superseded = f"{model.event_type}V{model.schema_version}"  # an old version kept for its data
    assert model.__name__ == (model.event_type if model.schema_version == latest else superseded)
    assert model.schema_version >= 1
    assert model.__doc__
    assert model.__doc__ != DomainEvent.__doc__
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("model", CATALOG, ids=by_name)
def test_each_event_is_exported_by_the_package(model: type[DomainEvent]) -> None:
    assert model.__name__ in shared.events.__all__, (
        f"add {model.__name__} to shared/events/__init__.py"
    )
    assert getattr(shared.events, model.__name__) is model


AUDIT = set(OWNERS["security"])
"""The security audit trail is about credentials and requests, not orders."""
SOURCING = set(OWNERS["sourcing"])
"""Sourcing comes before an order: its events are about an RFQ or an offered quote."""
ORDER_EVENTS = [
    model for model in CATALOG if model.event_type not in MASTER_DATA | AUDIT | SOURCING
]


@pytest.mark.parametrize("model", [m for m in CATALOG if m.event_type in SOURCING], ids=by_name)
def test_every_sourcing_event_carries_the_uuid_of_its_rfq_or_quote(
    model: type[DomainEvent],
) -> None:
    [key] = [name for name in ("rfq_id", "quote_id") if name in model.model_fields]
    field = model.model_fields[key]
    assert field.annotation is UUID
    assert field.is_required()


@pytest.mark.parametrize("model", ORDER_EVENTS, ids=by_name)
def test_every_event_about_an_order_carries_its_uuid(model: type[DomainEvent]) -> None:
    field = model.model_fields.get("order_id")
    assert field is not None, (
        f"{model.event_type} has no order_id; master data? add it to MASTER_DATA"
    )
    assert field.annotation is UUID
    assert field.is_required()


def _moneys(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if set(node) == {"amount", "currency"} else []
        return found + [m for value in node.values() for m in _moneys(value)]
    if isinstance(node, list):
        return [m for item in node for m in _moneys(item)]
    return []


@pytest.mark.parametrize("model", CATALOG, ids=by_name)
@settings(max_examples=15, deadline=None, suppress_health_check=SLOW_IS_FINE)
@given(data=st.data())
def test_every_event_survives_serialize_json_and_parse(
    model: type[DomainEvent], data: st.DataObject
) -> None:
    event = data.draw(instances(model))
    wire = json.loads(json.dumps(serialize(event)))
    parsed = parse(model.event_type, model.schema_version, wire)
    latest = DEFAULT_REGISTRY.latest_version(model.event_type)
    if model.schema_version < latest:  # an old version comes back upcast to the current one
        assert type(parsed) is DEFAULT_REGISTRY.model_for(model.event_type, latest)
        assert serialize(parsed).items() >= wire.items()
        return
    assert parsed == event
    assert type(parsed) is model
    assert serialize(parsed) == wire
    for money in _moneys(wire):
        assert isinstance(money["amount"], str)
        assert re.fullmatch(DECIMAL_PATTERN, money["amount"])


@pytest.mark.parametrize("model", CATALOG, ids=by_name)
@settings(max_examples=5, deadline=None, suppress_health_check=SLOW_IS_FINE)
@given(data=st.data())
def test_every_event_is_frozen_and_refuses_unknown_fields(
    model: type[DomainEvent], data: st.DataObject
) -> None:
    event = data.draw(instances(model))
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model.model_validate({**serialize(event), "surprise": 1})
    with pytest.raises(ValidationError, match="frozen"):
        setattr(event, next(iter(model.model_fields)), None)


@pytest.mark.parametrize("model", SUPERSEDED, ids=by_name)
@settings(max_examples=15, deadline=None, suppress_health_check=SLOW_IS_FINE)
@given(data=st.data())
def test_every_superseded_version_reads_as_the_current_one(
    model: type[DomainEvent], data: st.DataObject
) -> None:
    assert model.__name__ == f"{model.event_type}V{model.schema_version}"
    old = data.draw(instances(model))
    wire = json.loads(json.dumps(serialize(old)))
    parsed = parse(model.event_type, model.schema_version, wire)
    current = DEFAULT_REGISTRY.model_for(
        model.event_type, DEFAULT_REGISTRY.latest_version(model.event_type)
    )
    assert type(parsed) is current
    kept = {name: value for name, value in parsed.model_dump().items() if name in wire}
    assert kept == old.model_dump()
