"""Carriers and delivery addresses: registered once each, through the logistics API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.logistics.domain.errors import (
    CarrierAlreadyRegistered,
    DeliveryAddressAlreadyRegistered,
)
from shared.events.logistics import CarrierRegistered, DeliveryAddressRegistered
from shared.service.decider import Decider


@dataclass(frozen=True)
class RegisterCarrier:
    """Register a carrier; ``details`` is the fact to record once validated."""

    details: CarrierRegistered


@dataclass(frozen=True)
class RegisterDeliveryAddress:
    details: DeliveryAddressRegistered


Carrier = CarrierRegistered | None
Address = DeliveryAddressRegistered | None


def decide_carrier(
    command: RegisterCarrier, state: Carrier, now: datetime
) -> Sequence[CarrierRegistered]:
    if state is not None:
        raise CarrierAlreadyRegistered(f"carrier {state.carrier_id} is already registered")
    return [command.details]


def decide_address(
    command: RegisterDeliveryAddress, state: Address, now: datetime
) -> Sequence[DeliveryAddressRegistered]:
    if state is not None:
        raise DeliveryAddressAlreadyRegistered(
            f"delivery address {state.address_id} is already registered"
        )
    return [command.details]


def _keep_carrier(state: Carrier, event: CarrierRegistered) -> Carrier:
    return event


def _keep_address(state: Address, event: DeliveryAddressRegistered) -> Address:
    return event


carrier_decider: Decider[RegisterCarrier, Carrier, CarrierRegistered] = Decider(
    decide_carrier, _keep_carrier, lambda: None
)
address_decider: Decider[RegisterDeliveryAddress, Address, DeliveryAddressRegistered] = Decider(
    decide_address, _keep_address, lambda: None
)
