"""Dead letters: listed with service-qualified ids, shown with their data, retried."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import select

from runtime.ops.dead_letters import DeadLetterNotFound, list_letters, retry_letter, show_letter
from runtime.ops.deployment import Deployment
from shared.events.envelope import Envelope
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.dead_letters import DeadLetters
from shared.service.definition import ServiceParts
from shared.service.policy import Policy
from tests.unit.ops.test_rebuild import SupplierNames, registered


@pytest.fixture
async def deployment(tmp_path: Path) -> AsyncIterator[Deployment]:
    store = await SqliteEventStore.open(tmp_path / "a.db")
    await DeadLetters(store.engine).create_tables()
    projection = SupplierNames()
    await projection.create_tables(store.engine)
    handled: list[Envelope] = []

    async def handle(envelope: Envelope) -> None:
        handled.append(envelope)

    policy = Policy("notify", "a", {"SupplierRegistered"}, handle)
    parts = ServiceParts(projections=[projection], policies=[policy])
    opened = Deployment(stores={"a": store}, engines={"a": store.engine}, parts={"a": parts})
    opened.handled = handled  # type: ignore[attr-defined]
    yield opened
    await store.close()


async def dead_letter(deployment: Deployment, consumer: str) -> str:
    store = deployment.stores["a"]
    supplier = uuid4()
    result = await store.append(f"supplier-{supplier}", [registered(supplier, "acme")])
    [record] = await store.read_all(result.position - 1, 1)
    await DeadLetters(deployment.engines["a"]).add(consumer, "a", record, "Boom: db down", 3)
    letters = await list_letters(deployment)
    return str(letters[-1]["id"])


async def test_a_projections_dead_letter_is_applied_again_and_removed(
    deployment: Deployment,
) -> None:
    letter = await dead_letter(deployment, SupplierNames().consumer_name)
    shown = await show_letter(deployment, letter)
    assert (shown["error"], shown["data"]["name"]) == ("Boom: db down", "acme")
    listed = next(found for found in await list_letters(deployment) if found["id"] == letter)
    for failed_at in (shown["failed_at"], listed["failed_at"]):
        assert datetime.fromisoformat(failed_at).utcoffset() is not None, failed_at
    await retry_letter(deployment, letter)
    table = SupplierNames().tables[0]
    async with deployment.engines["a"].connect() as conn:
        assert (await conn.execute(select(table.c.name))).scalars().all() == ["acme"]
    assert await list_letters(deployment) == []


async def test_a_policys_dead_letter_is_handled_again(deployment: Deployment) -> None:
    letter = await dead_letter(deployment, "policy:notify")
    await retry_letter(deployment, letter)
    assert [e.event_type for e in deployment.handled] == ["SupplierRegistered"]  # type: ignore[attr-defined]
    assert await list_letters(deployment) == []


async def test_unknown_ids_say_how_to_find_the_right_one(deployment: Deployment) -> None:
    with pytest.raises(DeadLetterNotFound, match="dead-letters list"):
        await show_letter(deployment, "a:99")
    with pytest.raises(DeadLetterNotFound, match="<service>:<number>"):
        await show_letter(deployment, "7")
