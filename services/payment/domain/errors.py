"""Broken payment rules, each mapped once at the API edge to a problem+json."""

from __future__ import annotations

from shared.service.decider import DomainError


class InvoiceNotFound(DomainError):
    """No invoice with this id has been issued."""

    status = 404


class InvoiceAlreadySettled(DomainError):
    """The invoice is paid already; a second settlement would take the money twice."""

    status = 409


class AmountDoesNotMatch(DomainError):
    """A settlement must pay exactly the open amount, in the invoice's currency."""

    status = 422
    field = "amount"


class InvoiceNotSettled(DomainError):
    """Money goes back only for a settled invoice; an open one gets a credit note instead."""

    status = 409


class RefundExceedsPayment(DomainError):
    """A refund cannot give back more than was paid and not yet refunded."""

    status = 422
    field = "amount"
