"""Named broken rules of the order service; the API maps them to 404/409/422 problems."""

from __future__ import annotations

from shared.service.decider import DomainError


class InvalidOrderLine(DomainError):
    """A line breaks a catalog rule (unknown SKU, pack size, minimum quantity)."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InvalidAmendment(DomainError):
    """A proposed change does not fit the order (unknown line, wrong SKU, every line dropped)."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InvalidSpendingRules(DomainError):
    """Spending rules that could never be met (rules without approvers)."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class OrderNotFound(DomainError):
    status = 404


class OrderAlreadyPlaced(DomainError):
    """The order id is taken (by another request: an Idempotency-Key reused with another body)."""


class OrderNotAwaitingConfirmation(DomainError):
    """Only a priced and reserved order, with no amendment pending, can be confirmed or amended."""


class OrderAlreadyClosed(DomainError):
    """The order was rejected, cancelled or completed: nothing more can happen to it."""


class OrderAlreadyConfirmed(DomainError):
    """The supplier has committed to the order; it can no longer be rejected or amended."""


class OrderAlreadyShipped(DomainError):
    """Goods have left a warehouse: the order can no longer be cancelled."""


class OrderNotHeld(DomainError):
    """Only an order held for its credit can be released."""


class OrderNotAwaitingApproval(DomainError):
    """Only an order waiting for its buyer's approvers can be approved or declined."""


class NotAnApprover(DomainError):
    """The caller is not one of the approvers this order may be approved by (whoever placed an
    order cannot approve it, and no approver approves twice)."""

    status = 403


class ApprovalAlreadyGiven(DomainError):
    """This approver approved the order already; it waits for another one."""


class SpendingRulesLocked(DomainError):
    """Once a company has approvers, only they (or operations) change its spending rules."""

    status = 403


class NoAmendmentPending(DomainError):
    """There is no open proposal with this id to answer."""


class AmendmentAlreadyPending(DomainError):
    """The buyer has not yet answered the previous proposal."""


class PartyAlreadyRegistered(DomainError):
    """A buyer or supplier with this id exists already."""


class PartyNotFound(DomainError):
    status = 404
