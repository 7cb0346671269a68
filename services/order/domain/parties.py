"""Buyers and suppliers (streams ``buyer-<id>``, ``supplier-<id>``): registration, auto-confirm."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.order import AutoConfirmRuleSet, BuyerRegistered, SupplierRegistered
from shared.events.values import OrderType
from shared.service.decider import Decider

from .commands import AutoConfirmRule
from .errors import PartyAlreadyRegistered, PartyNotFound


@dataclass(frozen=True)
class RegisterBuyer:
    event: BuyerRegistered


@dataclass(frozen=True)
class RegisterSupplier:
    event: SupplierRegistered


@dataclass(frozen=True)
class SetAutoConfirmRule:
    supplier_id: UUID
    enabled: bool
    order_types: tuple[OrderType, ...]
    max_order_total: Money | None = None


PartyCommand = RegisterBuyer | RegisterSupplier | SetAutoConfirmRule


@dataclass(frozen=True)
class PartyState:
    """A registered buyer or supplier; suppliers may carry an auto-confirm rule."""

    registered: bool = False
    delivery_region: str | None = None
    currency: str | None = None
    rule: AutoConfirmRule | None = None


def decide_party(command: PartyCommand, state: PartyState, now: datetime) -> list[DomainEvent]:
    match command:
        case RegisterBuyer(event=event) | RegisterSupplier(event=event):
            if state.registered:
                raise PartyAlreadyRegistered("this id is registered already")
            return [event]
        case SetAutoConfirmRule():
            if not state.registered:
                raise PartyNotFound(f"no supplier {command.supplier_id}")
            return [
                AutoConfirmRuleSet(
                    supplier_id=command.supplier_id,
                    enabled=command.enabled,
                    order_types=command.order_types,
                    max_order_total=command.max_order_total,
                )
            ]


def evolve_party(state: PartyState, event: DomainEvent) -> PartyState:
    match event:
        case BuyerRegistered(delivery_region=region):
            return PartyState(registered=True, delivery_region=region)
        case SupplierRegistered(currency=currency):
            return PartyState(registered=True, currency=currency)
        case AutoConfirmRuleSet(enabled=enabled, order_types=types, max_order_total=limit):
            rule = AutoConfirmRule(frozenset(types), limit) if enabled else None
            return replace(state, rule=rule)
    return state


party_decider: Decider[PartyCommand, PartyState, DomainEvent] = Decider(
    decide=decide_party, evolve=evolve_party, initial_state=PartyState
)
