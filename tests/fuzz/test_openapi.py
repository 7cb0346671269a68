"""Schemathesis over the whole OpenAPI document, as every role: no server error, and every
answer (status code, content type, headers, body) is one the document declares."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.service.auth.access import AccessPolicy
from shared.service.auth.actor import ROLES, Actor
from tests.fuzz.server import Served

ALLOWED_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
"""Examples per operation for a role the access policy admits, valid and invalid mixed;
``FUZZ_EXAMPLES=50`` digs deeper locally (CI keeps the run under three minutes)."""
DENIED_EXAMPLES = 1
"""A refused role gets 403 before its input is read: one example shows the answer conforms."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="session")
def openapi(api: Served) -> Any:
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


def no_read_wait(case: Any) -> Any:
    """``min_position`` above the store head waits 5 s for the read model: fuzz it only at 0."""
    if case.query and isinstance(case.query.get("min_position"), int):
        case.query["min_position"] = 0
    return case


def fuzz(operation: Any, examples: int, call: Any) -> None:
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ).map(no_read_wait)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        call(case)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms_as(role: str, openapi: Any, api: Served) -> None:
    policy = AccessPolicy.of(openapi.raw_schema)
    token = api.security.tokens.issue(Actor(role, str(uuid.uuid4())))
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    fuzzed = []
    started = time.monotonic()
    for result in openapi.get_all_operations():
        operation = result.ok()
        fuzzed.append(operation.label)
        found = policy.rules.get(f"{operation.method.upper()} {operation.path}")
        allowed = found is not None and (found.public or role in found.roles)

        def call(case: Any) -> None:
            case.call_and_validate(base_url=api.url, headers=headers, checks=CHECKS)

        try:
            fuzz(operation, ALLOWED_EXAMPLES if allowed else DENIED_EXAMPLES, call)
        except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
            failures.append(f"{operation.label}: {error}")
    print(f"{role}: {len(fuzzed)} operations in {time.monotonic() - started:.1f}s")
    assert len(fuzzed) == len(policy.rules), "every operation of the document is fuzzed"
    assert failures == [], "\n\n".join(failures)
