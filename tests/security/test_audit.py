"""The security audit trail: each security-relevant action becomes an event that operations can
query over the API and with ``b2b audit``, and export."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
from fastapi import FastAPI
from typer.testing import CliRunner, Result

from runtime.cli import app as cli
from runtime.embedded import EmbeddedSystem
from shared.service.auth.actor import Actor
from shared.service.auth.destinations import IPAddress

Headers = Callable[[str], dict[str, str]]


async def audit(
    client: httpx.AsyncClient, ops: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    answer = await client.get("/api/v1/audit", params=params, headers=ops)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


async def test_each_security_action_leaves_an_audit_event(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Headers
) -> None:
    ops = as_actor("operations:ops-1")
    security = app.state.security

    async def public(host: str, port: int) -> list[IPAddress]:
        return [ip_address("93.184.215.14")]  # a stub; nothing is sent anywhere

    security.outbox.resolver = public
    # log-ins: a success, a failure, a lock-out
    await security.identity.set_user("gus", "gus's right password", Actor("analyst", "g"))
    login = "/api/v1/auth/token"
    assert (
        await client.post(login, data={"username": "gus", "password": "gus's right password"})
    ).is_success
    for _ in range(5):
        await client.post(login, data={"username": "gus", "password": "wrong"})
    # roles: a new user, then another role
    created = {"role": "buyer", "party": "company-1", "password": "a fine long password"}
    assert (await client.put("/api/v1/users/hal", json=created, headers=ops)).status_code == 200
    moved = {"role": "supplier", "party": "company-2"}
    assert (await client.put("/api/v1/users/hal", json=moved, headers=ops)).status_code == 200
    assert (await client.delete("/api/v1/users/gus/lockout", headers=ops)).status_code == 204
    # partner keys
    key = {"role": "warehouse", "party": str(uuid.uuid4()), "name": "dock"}
    issued = (await client.post("/api/v1/api-keys", json=key, headers=ops)).json()
    assert (
        await client.delete(f"/api/v1/api-keys/{issued['key_id']}", headers=ops)
    ).status_code == 204
    # webhook subscriptions: one refused, one made and removed
    carrier = as_actor(f"carrier:{uuid.uuid4()}")
    hooks = "/api/v1/webhooks/subscriptions"
    refused = {"url": "https://169.254.169.254/latest/", "event_types": ["Shipped"]}
    assert (await client.post(hooks, json=refused, headers=carrier)).status_code == 422
    made = {"url": "https://partner.example/hook", "event_types": ["Shipped"]}
    subscription = (await client.post(hooks, json=made, headers=carrier)).json()
    assert (
        await client.delete(f"{hooks}/{subscription['subscription_id']}", headers=carrier)
    ).status_code == 204
    # denied access: a role that may not, and a forged token
    buyer = as_actor("buyer:b-1")
    assert (await client.get("/api/v1/api-keys", headers=buyer)).status_code == 403
    forged = {"Authorization": "Bearer not.a.token"}
    assert (await client.get("/api/v1/orders", headers=forged)).status_code == 401

    events = await audit(client, ops, limit=100)
    kinds = [e["event_type"] for e in events]
    assert sorted(set(kinds)) == [
        "AccessDenied", "AccountUnlocked", "ApiKeyIssued", "ApiKeyRevoked", "LoginFailed",
        "LoginSucceeded", "UserRoleChanged", "WebhookSubscribed", "WebhookSubscriptionRefused",
        "WebhookUnsubscribed",
    ]  # fmt: skip
    positions = [e["position"] for e in events]
    assert positions == sorted(positions, reverse=True)  # newest first
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in events:
        by_kind.setdefault(entry["event_type"], []).append(entry)

    [succeeded] = by_kind["LoginSucceeded"]
    assert succeeded["actor"] == "analyst:g"
    assert succeeded["data"]["channel"] == "api"
    failures = by_kind["LoginFailed"]
    assert len(failures) == 5
    assert all(f["data"]["reason"] == "wrong_password" for f in failures)
    assert failures[0]["data"]["locked_until"] is not None  # the fifth locked the account
    assert all(f["data"]["locked_until"] is None for f in failures[1:])
    newer, older = by_kind["UserRoleChanged"]
    assert older["data"] | {"password_set": True} == {
        "username": "hal", "role": "buyer", "party": "company-1", "previous_role": None,
        "previous_party": None, "password_set": True,
    }  # fmt: skip
    assert (newer["data"]["previous_role"], newer["data"]["role"]) == ("buyer", "supplier")
    assert newer["actor"] == "operations:ops-1"
    assert by_kind["ApiKeyIssued"][0]["subject"] == issued["key_id"]
    assert issued["api_key"] not in json.dumps(events)  # no secret on the trail
    assert by_kind["ApiKeyRevoked"][0]["actor"] == "operations:ops-1"
    assert "metadata" in by_kind["WebhookSubscriptionRefused"][0]["data"]["reason"]
    assert by_kind["WebhookSubscribed"][0]["data"]["url"] == "https://partner.example/hook"
    denied = {(d["data"]["status"], d["data"]["path"]): d for d in by_kind["AccessDenied"]}
    wrong_role = denied[(403, "/api/v1/api-keys")]
    assert (wrong_role["actor"], wrong_role["data"]["credential"]) == ("buyer:b-1", "bearer")
    assert "Not allowed" in wrong_role["data"]["reason"]
    bad_token = denied[(401, "/api/v1/orders")]
    assert bad_token["actor"] == ""
    assert bad_token["data"]["credential"] == "bearer"


async def test_the_trail_is_filtered_and_exported(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Headers
) -> None:
    ops = as_actor("operations:o")
    await app.state.security.identity.set_user("ivy", "ivy's right password", Actor("analyst", "i"))
    login = "/api/v1/auth/token"
    await client.post(login, data={"username": "ivy", "password": "wrong"})
    await client.post(login, data={"username": "ivy", "password": "ivy's right password"})
    await client.post(login, data={"username": "jon", "password": "wrong"})
    ivy = await audit(client, ops, who="ivy")
    assert [e["event_type"] for e in ivy] == ["LoginSucceeded", "LoginFailed"]
    failed = await audit(client, ops, event_type="LoginFailed")
    assert {e["subject"] for e in failed} == {"ivy", "jon"}
    future = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert await audit(client, ops, since=future) == []
    naive = await client.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00"}, headers=ops)
    assert naive.status_code == 422
    assert naive.json()["field"] == "since"
    exported = await client.get("/api/v1/audit/export", params={"who": "ivy"}, headers=ops)
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["event_type"] for r in rows] == ["LoginFailed", "LoginSucceeded"]  # oldest first
    assert json.loads(rows[0]["data"])["reason"] == "wrong_password"
    lines = await client.get("/api/v1/audit/export", params={"format": "jsonl"}, headers=ops)
    assert len(lines.text.splitlines()) == 3
    assert (await client.get("/api/v1/audit", headers=as_actor("analyst:a"))).status_code == 403


async def test_b2b_audit_reads_and_exports_the_trail(
    app: FastAPI, client: httpx.AsyncClient, system: EmbeddedSystem, tmp_path: Path
) -> None:
    await app.state.security.identity.set_user("kim", "kim's right password", Actor("analyst", "k"))
    await client.post("/api/v1/auth/token", data={"username": "kim", "password": "wrong"})
    await client.post(
        "/api/v1/auth/token", data={"username": "kim", "password": "kim's right password"}
    )
    data_dir = str(system.data_dir)

    async def b2b(*args: str) -> Result:  # the CLI runs its own event loop: give it a thread
        return await asyncio.to_thread(CliRunner().invoke, cli, list(args))

    shown = await b2b("audit", "--data-dir", data_dir, "--who", "kim", "--json")
    assert shown.exit_code == 0, shown.output
    assert [e["event_type"] for e in json.loads(shown.stdout)] == ["LoginSucceeded", "LoginFailed"]
    table = await b2b("audit", "--data-dir", data_dir, "--type", "LoginFailed")
    assert table.exit_code == 0, table.output
    assert "LoginFailed" in table.stdout
    assert "wrong_password" in table.stdout
    target = tmp_path / "out" / "audit.parquet"
    written = await b2b(
        "audit", "--data-dir", data_dir, "--out", str(target), "--format", "parquet"
    )
    assert written.exit_code == 0, written.output
    exported = pq.read_table(target).to_pylist()
    assert [row["event_type"] for row in exported] == ["LoginFailed", "LoginSucceeded"]
    assert exported[0]["at"].tzinfo is not None
    missing = await b2b("audit", "--data-dir", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2
    assert "no audit.db" in missing.output
