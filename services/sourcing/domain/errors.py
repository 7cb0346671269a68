"""Named broken rules of the sourcing service; the API maps them to 404/409/422 problems."""

from __future__ import annotations

from shared.service.decider import DomainError


class _Located(DomainError):
    """A rule broken by one field of the request, named as a path into it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InvalidRfq(_Located):
    """The request for quotation cannot be issued as asked (a supplier, a date, a line)."""

    status = 422


class InvalidQuote(_Located):
    """A quote line breaks a rule of the RFQ or of the supplier's catalog."""

    status = 422


class InvalidAward(_Located):
    """The award names a line, supplier or quote that cannot be awarded."""

    status = 422


class RfqAlreadyIssued(DomainError):
    """The RFQ id is taken (an Idempotency-Key reused with another body)."""


class RfqClosed(DomainError):
    """The RFQ was awarded or cancelled: nothing more can be answered or awarded."""


class DeadlinePassed(_Located):
    """The RFQ's deadline has passed: late answers are refused."""


class AlreadyDeclined(DomainError):
    """The supplier declined this RFQ; it cannot answer it any more."""


class AwardTooEarly(DomainError):
    """Invited suppliers may still answer: award after the deadline, or once all answered."""


class QuoteExpired(_Located):
    """The quote is no longer valid (past its valid_until): it cannot be awarded or accepted."""


class ProductNoLongerSold(_Located):
    """A quoted SKU was withdrawn from the supplier's catalog since it was quoted."""


class QuoteAlreadyOffered(DomainError):
    """The quote id is taken (an Idempotency-Key reused with another body)."""


class QuoteClosed(DomainError):
    """The offered quote was accepted or declined already."""


class NotFound(DomainError):
    """No such RFQ or quote for this party."""

    status = 404
