"""Carriers and delivery addresses are registered once."""

from __future__ import annotations

from uuid import uuid4

from services.logistics.domain import errors
from services.logistics.domain.master_data import (
    RegisterCarrier,
    RegisterDeliveryAddress,
    address_decider,
    carrier_decider,
)
from shared.events.logistics import CarrierRegistered, DeliveryAddressRegistered
from shared.service.testing import Scenario

CARRIER = CarrierRegistered(
    carrier_id=uuid4(), code="SF", name="SF Express", regions_served=("north",)
)
ADDRESS = DeliveryAddressRegistered(
    address_id=uuid4(),
    buyer_id=uuid4(),
    label="Main store",
    recipient="Receiving",
    street=("1 Harbour Rd",),
    city="Keelung",
    country="TW",
    region="north",
)


def test_a_carrier_is_registered() -> None:
    Scenario(carrier_decider).when(RegisterCarrier(CARRIER)).then(CARRIER)


def test_a_carrier_is_registered_once() -> None:
    Scenario(carrier_decider).given(CARRIER).when(RegisterCarrier(CARRIER)).then_raises(
        errors.CarrierAlreadyRegistered
    )


def test_an_address_is_registered_once() -> None:
    Scenario(address_decider).when(RegisterDeliveryAddress(ADDRESS)).then(ADDRESS)
    Scenario(address_decider).given(ADDRESS).when(RegisterDeliveryAddress(ADDRESS)).then_raises(
        errors.DeliveryAddressAlreadyRegistered
    )
