"""The audit trail over an in-memory event store: newest first across read windows, filtered by
type, by anyone an event names and by time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.events import AccessDenied, LoginFailed, LoginSucceeded
from shared.events.security import Channel, LoginFailure
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import EventStore
from shared.service.auth.audit import AuditQuery, AuditTrail, as_csv


def trail() -> AuditTrail:
    store = InMemoryEventStore()

    async def opener() -> EventStore:
        return store

    return AuditTrail(opener)


def failed(username: str) -> LoginFailed:
    return LoginFailed(username=username, reason=LoginFailure.wrong_password, channel=Channel.api)


async def test_lists_the_newest_first_across_read_windows() -> None:
    audit = trail()
    for n in range(10):
        await audit.record(failed(f"user-{n}"))
    seen = [r.data["username"] async for r in audit.newest_first(page=3)]
    assert seen == [f"user-{n}" for n in reversed(range(10))]
    newest = await audit.search(AuditQuery(limit=4))
    assert [e["subject"] for e in newest] == ["user-9", "user-8", "user-7", "user-6"]


async def test_filters_by_type_who_and_time() -> None:
    audit = trail()
    await audit.record(failed("ann"))
    ok = LoginSucceeded(username="ann", role="buyer", party="p-7", channel=Channel.portal)
    await audit.record(ok, actor="buyer:p-7")
    denied = AccessDenied(method="GET", path="/api/v1/orders", status=403, reason="Not allowed")
    await audit.record(denied, actor="buyer:p-7")
    types = await audit.search(AuditQuery(event_types=frozenset({"LoginFailed"})))
    assert [e["event_type"] for e in types] == ["LoginFailed"]
    by_party = await audit.search(AuditQuery(who="p-7"))
    assert [e["event_type"] for e in by_party] == ["AccessDenied", "LoginSucceeded"]
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert await audit.search(AuditQuery(since=later)) == []
    assert len(await audit.search(AuditQuery(until=later))) == 3
    text = as_csv(await audit.search(AuditQuery()))
    assert text.splitlines()[0] == "position,at,event_type,actor,subject,data"
    assert text.splitlines()[1].split(",")[2] == "LoginFailed"  # oldest first
