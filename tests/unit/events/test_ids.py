"""Event ids: fresh ones are uuid7, reaction and external ones are the same on every redelivery."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events import EVENT_NAMESPACE, external_event_id, new_event_id, reaction_event_id

CAUSE = uuid.UUID("0193b0b8-5c1e-7aa0-8000-000000000001")


def test_new_event_ids_are_stdlib_uuid7_and_grow_with_time() -> None:
    ids = [new_event_id() for _ in range(50)]
    assert all(type(i) is uuid.UUID and i.version == 7 for i in ids)
    assert len(set(ids)) == 50
    assert [i.bytes[:6] for i in ids] == sorted(i.bytes[:6] for i in ids)


def test_the_namespace_and_a_reaction_id_are_pinned_for_ever() -> None:
    assert uuid.UUID("0861b66e-f6b2-5f4a-b843-1b83b8ad3789") == EVENT_NAMESPACE
    expected = uuid.uuid5(uuid.uuid5(EVENT_NAMESPACE, "reaction"), f"pricing.price-order:{CAUSE}:0")
    assert reaction_event_id("pricing.price-order", CAUSE, 0) == expected
    assert expected.version == 5


@given(st.text(min_size=1), st.uuids(), st.integers(0, 1000))
def test_a_reaction_id_depends_only_on_policy_cause_and_index(
    policy: str, cause: uuid.UUID, index: int
) -> None:
    first = reaction_event_id(policy, cause, index)
    assert first == reaction_event_id(policy, cause, index)
    assert first != reaction_event_id(policy, cause, index + 1)
    assert first != reaction_event_id(policy + "x", cause, index)
    assert first != reaction_event_id(policy, uuid.UUID(int=cause.int ^ 1), index)


@pytest.mark.parametrize(("policy", "index"), [("", 0), ("p", -1)])
def test_a_reaction_id_needs_a_policy_and_a_non_negative_index(policy: str, index: int) -> None:
    with pytest.raises(ValueError, match=r"policy|index"):
        reaction_event_id(policy, CAUSE, index)


def test_external_ids_are_stable_and_do_not_mix_sources() -> None:
    assert external_event_id("dhl", "evt-1") == external_event_id("dhl", "evt-1")
    assert external_event_id("dhl", "evt-1") != external_event_id("ups", "evt-1")
    assert external_event_id("a:b", "c") != external_event_id("a", "b:c")
    with pytest.raises(ValueError, match="source"):
        external_event_id("", "evt-1")
