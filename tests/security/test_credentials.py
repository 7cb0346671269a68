"""Credentials: argon2id hashes (old scrypt ones upgraded at log-in), a per-account lock-out after
repeated wrong passwords, API keys that expire and remember their last use."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from shared.service.auth.actor import Actor
from shared.service.auth.identity import api_keys, users
from shared.service.auth.passwords import LegacyScryptHasher, verify_password


async def stored_hash(app: FastAPI, username: str) -> str:
    async with app.state.security.engine.connect() as conn:
        query = select(users.c.password_hash).where(users.c.username == username)
        found: str = (await conn.execute(query)).scalar_one()
    return found


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )


async def test_new_passwords_are_hashed_with_argon2id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await app.state.security.identity.set_user(
        "ann", "a long enough password", Actor("analyst", "a")
    )
    stored = await stored_hash(app, "ann")
    assert stored.startswith("$argon2id$")
    assert "a long enough password" not in stored
    assert (await log_in(client, "ann", "a long enough password")).status_code == 200


async def test_an_old_scrypt_hash_logs_in_and_is_rehashed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    identity = app.state.security.identity
    await identity.set_user("legacy", "placeholder-password", Actor("analyst", "a"))
    old = LegacyScryptHasher().hash("the old password")
    async with app.state.security.engine.begin() as conn:  # as an earlier release stored it
        await conn.execute(
            update(users).where(users.c.username == "legacy").values(password_hash=old)
        )
    assert (await log_in(client, "legacy", "wrong password")).status_code == 401
    assert await stored_hash(app, "legacy") == old  # a failed log-in changes nothing
    answer = await log_in(client, "legacy", "the old password")
    assert answer.status_code == 200, answer.text
    upgraded = await stored_hash(app, "legacy")
    assert upgraded.startswith("$argon2id$")
    assert verify_password("the old password", upgraded) == (True, None)
    assert (await log_in(client, "legacy", "the old password")).status_code == 200


async def test_five_wrong_passwords_lock_the_account_for_a_while(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    identity = app.state.security.identity
    await identity.set_user("bob", "bob's right password", Actor("analyst", "b"))
    answers = [await log_in(client, "bob", f"wrong {n}") for n in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    locked = await log_in(client, "bob", "bob's right password")
    assert locked.status_code == 429  # even the right password, until the lock runs out
    wait = int(locked.headers["Retry-After"])
    assert 14 * 60 < wait <= 15 * 60
    assert locked.json()["title"] == "Account locked"
    # the lock-out is per account: another user still logs in from the same client
    await identity.set_user("cid", "cid's right password", Actor("analyst", "c"))
    assert (await log_in(client, "cid", "cid's right password")).status_code == 200
    # the lock runs out
    later = datetime.now(UTC) + timedelta(minutes=16)
    attempt = await identity.attempt_login("bob", "bob's right password", now=later)
    assert attempt.user is not None


async def test_unknown_names_are_locked_like_real_ones(client: httpx.AsyncClient) -> None:
    codes = [(await log_in(client, "nobody-here", "guess")).status_code for _ in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]


async def test_a_success_forgets_earlier_failures(app: FastAPI, client: httpx.AsyncClient) -> None:
    await app.state.security.identity.set_user("dee", "dee's right password", Actor("analyst", "d"))
    for _ in range(4):
        assert (await log_in(client, "dee", "wrong")).status_code == 401
    assert (await log_in(client, "dee", "dee's right password")).status_code == 200
    for _ in range(4):
        assert (await log_in(client, "dee", "wrong")).status_code == 401


async def test_operations_see_and_lift_a_lock_out(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    ops = as_actor("operations:o")
    await app.state.security.identity.set_user("eve", "eve's right password", Actor("analyst", "e"))
    for _ in range(5):
        await log_in(client, "eve", "wrong")
    [listed] = [
        u for u in (await client.get("/api/v1/users", headers=ops)).json() if u["username"] == "eve"
    ]
    assert listed["locked_until"] is not None
    assert (await client.delete("/api/v1/users/eve/lockout", headers=ops)).status_code == 204
    assert (await log_in(client, "eve", "eve's right password")).status_code == 200
    assert (await client.delete("/api/v1/users/eve/lockout", headers=ops)).status_code == 404


async def test_the_portal_log_in_is_locked_too(app: FastAPI, client: httpx.AsyncClient) -> None:
    client.headers["Accept-Language"] = "en"  # the page in English, as the check reads it
    await app.state.security.identity.set_user("fay", "fay's right password", Actor("buyer", "f"))
    page = await client.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"username": "fay", "password": "wrong", "csrf_token": token, "next": "/"}
    codes = [(await client.post("/login", data=form)).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = await client.post("/login", data={**form, "password": "fay's right password"})
    assert locked.status_code == 429
    assert "locked" in locked.text
    assert int(locked.headers["Retry-After"]) > 60


async def test_api_keys_expire_and_record_their_last_use(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    ops = as_actor("operations:o")
    body = {"role": "carrier", "party": str(uuid.uuid4()), "name": "tracking feed",
            "expires_in_days": 30}  # fmt: skip
    issued = (await client.post("/api/v1/api-keys", json=body, headers=ops)).json()
    expires = datetime.fromisoformat(issued["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)

    async def listed() -> dict[str, object]:
        keys = (await client.get("/api/v1/api-keys", headers=ops)).json()
        [found] = [k for k in keys if k["key_id"] == issued["key_id"]]
        assert "api_key" not in found
        assert "signing_secret" not in found
        return dict(found)

    assert (await listed())["last_used_at"] is None
    me = await client.get("/api/v1/auth/me", headers={"X-API-Key": issued["api_key"]})
    assert me.status_code == 200
    used = (await listed())["last_used_at"]
    assert isinstance(used, str)
    assert datetime.now(UTC) - datetime.fromisoformat(used) < timedelta(minutes=1)
    async with app.state.security.engine.begin() as conn:  # time passes: the key runs out
        await conn.execute(
            update(api_keys)
            .where(api_keys.c.key_id == issued["key_id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = await client.get("/api/v1/auth/me", headers={"X-API-Key": issued["api_key"]})
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


async def test_an_api_key_lives_at_most_two_years(
    client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    body = {"role": "bank", "party": "b", "name": "n", "expires_in_days": 731}
    answer = await client.post("/api/v1/api-keys", json=body, headers=as_actor("operations:o"))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "expires_in_days"
