"""A tiny supplier-profile aggregate on real catalog events, to exercise the kernel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.events.base import DomainEvent
from shared.events.order import AutoConfirmRuleSet, SupplierRegistered
from shared.events.values import OrderType
from shared.service.decider import Decider, DomainError


@dataclass(frozen=True)
class Register:
    supplier_id: UUID
    name: str


@dataclass(frozen=True)
class EnableAutoConfirm:
    supplier_id: UUID


@dataclass(frozen=True)
class Profile:
    registered: bool = False
    rule_changes: int = 0


class SupplierNotRegistered(DomainError):
    pass


def decide(command: object, state: Profile, now: datetime) -> list[DomainEvent]:
    match command:
        case Register(supplier_id, name):
            if state.registered:
                return []
            return [SupplierRegistered(supplier_id=supplier_id, name=name, currency="EUR")]
        case EnableAutoConfirm(supplier_id):
            if not state.registered:
                raise SupplierNotRegistered("register the supplier first")
            return [
                AutoConfirmRuleSet(
                    supplier_id=supplier_id, enabled=True, order_types=(OrderType.REGULAR,)
                )
            ]
    raise TypeError(command)


def evolve(state: Profile, event: DomainEvent) -> Profile:
    match event:
        case SupplierRegistered():
            return Profile(registered=True, rule_changes=state.rule_changes)
        case AutoConfirmRuleSet():
            return Profile(registered=state.registered, rule_changes=state.rule_changes + 1)
    return state


profile: Decider[object, Profile, DomainEvent] = Decider(decide, evolve, Profile)
