"""Topic names: one events topic and one dead-letter topic per service.

``namespace`` prefixes every name so that several systems (e.g. test runs) can share one broker.
"""

from __future__ import annotations


def events_topic(service: str, namespace: str = "") -> str:
    return f"{namespace}{service}.events.v1"


def dead_letters_topic(service: str, namespace: str = "") -> str:
    return f"{namespace}{service}.dead-letters.v1"
