import asyncio
from uuid import uuid4

import pytest

from shared.events.envelope import new_event_id
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import WrongExpectedVersion
from shared.service.codec import to_envelope
from shared.service.context import CommandContext
from shared.service.repository import Repository
from shared.service.testing import Scenario

from .toy import EnableAutoConfirm, Register, SupplierNotRegistered, profile


def repository() -> Repository[object, object]:
    return Repository(InMemoryEventStore(), profile, "supplier")  # type: ignore[arg-type]


async def test_appends_the_decided_events_with_actor_and_saga_metadata() -> None:
    repo = repository()
    supplier, saga = uuid4(), uuid4()
    result = await repo.handle(
        supplier,
        Register(supplier, "Acme"),
        CommandContext(actor="operations:ann", correlation_id=saga),
    )
    assert (result.stream_id, result.stream_version, result.position) == (
        f"supplier-{supplier}",
        1,
        1,
    )
    [record] = await repo.store.read_stream(f"supplier-{supplier}")
    envelope = to_envelope(record)
    assert envelope.actor == "operations:ann"
    assert envelope.correlation_id == saga
    assert envelope.event.event_type == "SupplierRegistered"


async def test_a_stale_if_match_is_refused_and_writes_nothing() -> None:
    repo = repository()
    supplier = uuid4()
    await repo.handle(supplier, Register(supplier, "Acme"), CommandContext())
    with pytest.raises(WrongExpectedVersion):
        await repo.handle(
            supplier, EnableAutoConfirm(supplier), CommandContext(), expected_version=0
        )
    assert await repo.store.stream_version(f"supplier-{supplier}") == 1


async def test_concurrent_commands_without_if_match_lose_no_update() -> None:
    repo = repository()
    supplier = uuid4()
    await repo.handle(supplier, Register(supplier, "Acme"), CommandContext())
    other = Repository(repo.store, profile, "supplier")  # a second process: its own cache
    await asyncio.gather(
        *[
            r.handle(supplier, EnableAutoConfirm(supplier), CommandContext())
            for _ in range(5)
            for r in (repo, other)
        ]
    )
    loaded = await Repository(repo.store, profile, "supplier").load(supplier)
    assert loaded.version == 11
    assert loaded.state.rule_changes == 10  # type: ignore[attr-defined]


async def test_a_redelivered_reaction_changes_nothing() -> None:
    repo = repository()
    supplier, cause = uuid4(), new_event_id()
    context = CommandContext.reaction("register-on-signup", cause, correlation_id=None)
    first = await repo.handle(supplier, Register(supplier, "Acme"), context)
    await repo.handle(supplier, EnableAutoConfirm(supplier), CommandContext())
    again = await Repository(repo.store, profile, "supplier").handle(
        supplier, Register(supplier, "Acme"), context
    )
    assert first.events
    assert not again.events
    assert await repo.store.head_position() == 2


async def test_reaction_ids_are_deterministic_so_a_replayed_append_is_already_stored() -> None:
    store = InMemoryEventStore()
    supplier, cause = uuid4(), new_event_id()
    context = CommandContext.reaction("p", cause, correlation_id=None)
    await Repository(store, profile, "supplier").handle(supplier, Register(supplier, "A"), context)
    await Repository(store, profile, "supplier").handle(
        supplier, EnableAutoConfirm(supplier), CommandContext.reaction("q", cause, None)
    )
    again = await Repository(store, profile, "supplier").handle(
        supplier, EnableAutoConfirm(supplier), CommandContext.reaction("q", cause, None)
    )
    assert again.already_applied
    assert await store.head_position() == 2


def test_scenario_reads_given_when_then() -> None:
    supplier = uuid4()
    Scenario(profile).given().when(EnableAutoConfirm(supplier)).then_raises(SupplierNotRegistered)
    events = Scenario(profile).when(Register(supplier, "Acme")).then_events()
    Scenario(profile).given(*events).when(Register(supplier, "Acme")).then()
