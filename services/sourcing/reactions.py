"""Reactions: sourcing follows other services' facts through its views only (parties from the
order service, the catalog from pricing); it sends no command in reaction to an event."""

from __future__ import annotations

from shared.service.policy import Policy


def reactions() -> list[Policy]:
    """None: an RFQ changes only by what its buyer and suppliers do."""
    return []
