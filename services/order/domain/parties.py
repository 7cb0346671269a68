"""Buyers and suppliers (streams ``buyer-<id>``, ``supplier-<id>``): registration, auto-confirm."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.order import (
    AutoConfirmRuleSet,
    BuyerRegistered,
    SpendingRulesSet,
    SupplierRegistered,
)
from shared.events.values import OrderType
from shared.service.decider import Decider

from .commands import AutoConfirmRule, SpendingRules
from .errors import (
    InvalidSpendingRules,
    PartyAlreadyRegistered,
    PartyNotFound,
    SpendingRulesLocked,
)


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


@dataclass(frozen=True)
class SetSpendingRules:
    """A buyer company's approval rules, set by one of its users (``set_by``) or operations."""

    buyer_id: UUID
    rules: SpendingRules
    set_by: str | None = None
    by_operations: bool = False


PartyCommand = RegisterBuyer | RegisterSupplier | SetAutoConfirmRule | SetSpendingRules


@dataclass(frozen=True)
class PartyState:
    """A registered buyer or supplier; suppliers may carry an auto-confirm rule."""

    registered: bool = False
    delivery_region: str | None = None
    currency: str | None = None
    rule: AutoConfirmRule | None = None
    is_buyer: bool = False
    spending: SpendingRules | None = None


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
        case SetSpendingRules():
            return [_spending_rules(command, state)]


def _spending_rules(command: SetSpendingRules, state: PartyState) -> SpendingRulesSet:
    if not state.is_buyer:
        raise PartyNotFound(f"no buyer {command.buyer_id}")
    current = state.spending
    if (
        current is not None
        and current.approvers
        and not command.by_operations
        and command.set_by not in current.approvers
    ):
        raise SpendingRulesLocked(
            "only your company's approvers (or operations) may change its spending rules"
        )
    rules = command.rules
    asks = rules.one_approval_above or rules.two_approvals_above or rules.categories
    if asks and not rules.approvers:
        raise InvalidSpendingRules("approvers", "name at least one approver for these rules")
    if rules.two_approvals_above is not None and len(rules.approvers) < 2:
        raise InvalidSpendingRules("approvers", "two approvals need at least two approvers")
    return SpendingRulesSet(
        buyer_id=command.buyer_id,
        approvers=tuple(sorted(rules.approvers)),
        one_approval_above=rules.one_approval_above,
        two_approvals_above=rules.two_approvals_above,
        categories=tuple(sorted(rules.categories)),
    )


def evolve_party(state: PartyState, event: DomainEvent) -> PartyState:
    match event:
        case BuyerRegistered(delivery_region=region):
            return PartyState(registered=True, delivery_region=region, is_buyer=True)
        case SupplierRegistered(currency=currency):
            return PartyState(registered=True, currency=currency)
        case AutoConfirmRuleSet(enabled=enabled, order_types=types, max_order_total=limit):
            rule = AutoConfirmRule(frozenset(types), limit) if enabled else None
            return replace(state, rule=rule)
        case SpendingRulesSet():
            spending = SpendingRules(
                frozenset(event.approvers),
                event.one_approval_above,
                event.two_approvals_above,
                frozenset(event.categories),
            )
            return replace(state, spending=spending)
    return state


party_decider: Decider[PartyCommand, PartyState, DomainEvent] = Decider(
    decide=decide_party, evolve=evolve_party, initial_state=PartyState
)
