"""Credit rules of an account: reserve an order's total if it fits (else hold it), give it back,
move it to receivable when invoiced, clear it when paid; a raised limit, credit given back and
a payment each free the held orders that now fit."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.payment import (
    CreditInvoiced,
    CreditLimitSet,
    CreditReleased,
    CreditRepaid,
    CreditReservationRefused,
    CreditReserved,
)
from shared.events.values import CreditFigures, CreditHoldCode

from .commands import InvoiceCredit, ReleaseCredit, RepayCredit, ReserveCredit, SetCreditLimit
from .state import Account, evolve_account


def _money(amount: Decimal, currency: str) -> Money:
    return Money(amount=amount, currency=currency)


def figures(state: Account, requested: Money) -> CreditFigures:
    """The account as a reservation of ``requested`` finds it."""
    currency = requested.currency
    reserved = _money(state.reserved_total, currency)
    unpaid = _money(state.unpaid_total, currency)
    limit = state.credit_limit
    if limit is None:
        return CreditFigures(requested=requested, reserved=reserved, invoiced_unpaid=unpaid)
    available = limit.amount - reserved.amount - unpaid.amount
    return CreditFigures(
        requested=requested,
        reserved=reserved,
        invoiced_unpaid=unpaid,
        limit=limit,
        available=_money(available, limit.currency),
    )


def refusal(state: Account, requested: Money, now: datetime) -> tuple[CreditHoldCode, str] | None:
    """Why ``requested`` cannot be reserved now; None when it can."""
    if state.grace_days is not None:
        cutoff = now.date() - timedelta(days=state.grace_days)
        late = sorted(r.due_on for r in state.receivable.values() if r.due_on < cutoff)
        if late:
            return CreditHoldCode.OVERDUE_INVOICES, (
                f"{len(late)} invoice(s) unpaid since {late[0].isoformat()},"
                f" past {state.grace_days} days of grace"
            )
    limit = state.credit_limit
    if limit is None:
        return None
    if limit.currency != requested.currency:
        return CreditHoldCode.LIMIT_EXCEEDED, f"the credit limit is in {limit.currency}"
    available = limit.amount - state.reserved_total - state.unpaid_total
    if requested.amount > available:
        return CreditHoldCode.LIMIT_EXCEEDED, (
            f"{requested.amount} {requested.currency} exceeds the available credit"
            f" of {available} {limit.currency}"
        )
    return None


def reserve(command: ReserveCredit, state: Account, now: datetime) -> list[DomainEvent]:
    """Once per order: reserved, or refused (held); a forced reservation takes a held order."""
    ids = {"supplier_id": command.supplier_id, "buyer_id": command.buyer_id}
    if command.order_id in state.reserved:
        return []
    held = state.held_amount(command.order_id)
    if command.force:
        if held is None:
            return []
        shown = figures(state, held)
        return [
            CreditReserved(
                **ids, order_id=command.order_id, amount=held, figures=shown, overridden=True
            )
        ]
    if held is not None or command.amount is None:
        return []
    shown = figures(state, command.amount)
    refused = refusal(state, command.amount, now)
    if refused is not None:
        code, reason = refused
        return [
            CreditReservationRefused(
                **ids, order_id=command.order_id, code=code, reason=reason, figures=shown
            )
        ]
    return [CreditReserved(**ids, order_id=command.order_id, amount=command.amount, figures=shown)]


def release(command: ReleaseCredit, state: Account, now: datetime) -> list[DomainEvent]:
    """Down to ``keep`` (up to it, for a confirmation above the reservation); a held order
    leaves the queue (nothing was reserved for it); what is given back lets held orders that
    now fit go on, oldest first."""
    ids = {"supplier_id": command.supplier_id, "buyer_id": command.buyer_id}
    held = state.held_amount(command.order_id)
    if held is not None:
        nothing = _money(Decimal(0), held.currency)
        return [
            CreditReleased(**ids, order_id=command.order_id, amount=nothing, cause=command.cause)
        ]
    current = state.reserved.get(command.order_id)
    keep = Decimal(0) if command.keep is None else command.keep.amount
    if current is not None and command.keep is not None and current < keep:
        # Confirmed for more than was reserved (an amendment raised it): the supplier took
        # that risk when it confirmed, so the reservation follows, past the limit if need be.
        return [
            CreditReserved(
                **ids,
                order_id=command.order_id,
                amount=command.keep,
                figures=figures(state, command.keep),
                overridden=True,
            )
        ]
    if current is None or current <= keep:
        return []
    currency = command.keep.currency if command.keep else _currency(state)
    amount = _money(current - keep, currency)
    freed = CreditReleased(**ids, order_id=command.order_id, amount=amount, cause=command.cause)
    after = evolve_account(state, freed)
    return [freed, *admit_held(after, now, command.supplier_id, command.buyer_id)]


def _currency(state: Account) -> str:
    return state.credit_limit.currency if state.credit_limit else "EUR"


def invoice(command: InvoiceCredit, state: Account) -> list[DomainEvent]:
    if command.invoice_id in state.receivable:
        return []
    reserved = state.reserved.get(command.order_id, Decimal(0))
    moved = _money(min(reserved, command.amount.amount), command.amount.currency)
    return [
        CreditInvoiced(
            supplier_id=command.supplier_id,
            buyer_id=command.buyer_id,
            order_id=command.order_id,
            invoice_id=command.invoice_id,
            amount=command.amount,
            from_reserved=moved,
            due_on=command.due_on,
        )
    ]


def repay(command: RepayCredit, state: Account, now: datetime) -> list[DomainEvent]:
    """A payment clears what its invoice owed; held orders that now fit go on, oldest first."""
    known = state.receivable.get(command.invoice_id)
    if known is None:
        return []
    amount = _money(min(known.amount, command.amount.amount), command.amount.currency)
    repaid = CreditRepaid(
        supplier_id=command.supplier_id,
        buyer_id=command.buyer_id,
        order_id=command.order_id,
        invoice_id=command.invoice_id,
        amount=amount,
    )
    after = evolve_account(state, repaid)
    return [repaid, *admit_held(after, now, command.supplier_id, command.buyer_id)]


def set_limit(command: SetCreditLimit, state: Account, now: datetime) -> list[DomainEvent]:
    """The new limit, then every held order that now fits, oldest first."""
    if state.credit_limit == command.limit:
        return []
    events: list[DomainEvent] = [
        CreditLimitSet(
            supplier_id=command.supplier_id, buyer_id=command.buyer_id, limit=command.limit
        )
    ]
    after = evolve_account(state, events[0])
    return events + admit_held(after, now, command.supplier_id, command.buyer_id)


def admit_held(
    state: Account, now: datetime, supplier_id: UUID, buyer_id: UUID
) -> list[DomainEvent]:
    """Reserve every held order that fits the account as it is now, oldest first (a later,
    smaller one may fit where an earlier one still does not)."""
    events: list[DomainEvent] = []
    for order_id, amount in state.held:
        if refusal(state, amount, now) is None:
            reserved = CreditReserved(
                supplier_id=supplier_id,
                buyer_id=buyer_id,
                order_id=order_id,
                amount=amount,
                figures=figures(state, amount),
            )
            events.append(reserved)
            state = evolve_account(state, reserved)
    return events
