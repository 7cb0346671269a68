"""Users, partner API keys and portal sessions, kept in a table (not events): credentials are
secrets that get rotated, revoked and erased, which an immutable event log must not hold."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    or_,
    select,
    update,
)

from shared.service.auth.actor import Actor
from shared.service.auth.passwords import DUMMY_HASH, hash_password, verify_password
from shared.service.auth.schema import create_or_extend
from shared.service.auth.signatures import new_secret
from shared.service.sql import upsert
from shared.sql import Database

metadata = MetaData()

users = Table(
    "auth_users",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("party", String(100), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_keys = Table(
    "auth_api_keys",
    metadata,
    Column("key_id", String(40), primary_key=True),
    Column("key_hash", String(64), nullable=False),
    Column("signing_secret", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("party", String(100), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
)

login_failures = Table(
    "auth_login_failures",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

sessions = Table(
    "auth_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("username", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("party", String(100), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Built once: a key is looked up on every request a partner sends.
_USABLE_KEY = select(api_keys).where(
    api_keys.c.key_id == bindparam("key_id"),
    api_keys.c.revoked_at.is_(None),
    or_(
        api_keys.c.expires_at.is_(None),
        api_keys.c.expires_at > bindparam("now", type_=api_keys.c.expires_at.type),
    ),
)

KEY_PREFIX = "b2bk"
USED_PRECISION = timedelta(minutes=1)
"""A key's last use is written at most this often (not on every request)."""

LoginFailure = Literal["wrong_password", "unknown_user", "inactive", "locked"]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; every one stored here is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Lockout:
    """Per-account throttling: ``after`` wrong passwords within ``window`` lock the account
    (any password is refused) for ``duration``; a successful log-in forgets the failures."""

    after: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginAttempt:
    """What a log-in came to: the user, or why not (and until when the account is locked)."""

    username: str
    user: User | None = None
    failure: LoginFailure | None = None
    locked_until: datetime | None = None
    rehashed: bool = False

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the lock-out ends (at least 1)."""
        if self.locked_until is None:
            return 0
        return max(1, math.ceil((self.locked_until - now).total_seconds()))


@dataclass(frozen=True)
class User:
    username: str
    actor: Actor


@dataclass(frozen=True)
class IssuedKey:
    """A new API key: ``key`` and ``signing_secret`` are shown once and stored only hashed/kept."""

    key_id: str
    key: str
    signing_secret: str
    actor: Actor
    expires_at: datetime | None = None


@dataclass(frozen=True)
class PartnerKey:
    key_id: str
    actor: Actor
    signing_secret: str


def _partner_of(row: Any) -> PartnerKey:
    return PartnerKey(row["key_id"], Actor(row["role"], row["party"]), row["signing_secret"])


@dataclass(frozen=True)
class UserChange:
    """A user created or changed: its previous role and party (None when it is new)."""

    username: str
    actor: Actor
    previous: Actor | None


@dataclass(frozen=True)
class Session:
    username: str
    actor: Actor
    csrf_token: str


class IdentityStore:
    """The credentials tables: passwords argon2id-hashed (older scrypt hashes upgraded at log-in),
    API keys SHA-256-hashed (they are random), log-in failures for the lock-out."""

    def __init__(
        self,
        engine: Database,
        session_ttl: timedelta = timedelta(hours=8),
        lockout: Lockout | None = None,
    ) -> None:
        self.engine = engine
        self.session_ttl = session_ttl
        self.lockout = lockout or Lockout()
        self._touched: dict[str, datetime] = {}
        self._ready = False
        self._lock = asyncio.Lock()

    async def ready(self) -> None:
        if self._ready:
            return
        async with self._lock:
            if not self._ready:
                await create_or_extend(self.engine, metadata)
                self._ready = True

    async def set_user(self, username: str, password: str, actor: Actor) -> None:
        """Create a user or reset its password and role."""
        await self.change_user(username, actor, password)

    async def change_user(
        self, username: str, actor: Actor, password: str | None = None
    ) -> UserChange:
        """Create a user (a password is then required) or change its role, party or password."""
        await self.ready()
        async with self.engine.begin() as conn:
            found = (
                (await conn.execute(select(users).where(users.c.username == username)))
                .mappings()
                .first()
            )
            if found is None and password is None:
                raise ValueError(f"a new user needs a password: {username}")
            values: dict[str, Any] = {"role": actor.role, "party": actor.party, "active": True}
            if password is not None:
                values["password_hash"] = await asyncio.to_thread(hash_password, password)
            if found is None:
                values.update(username=username, created_at=datetime.now(UTC))
                await conn.execute(users.insert().values(**values))
                return UserChange(username, actor, None)
            await conn.execute(update(users).where(users.c.username == username).values(**values))
        return UserChange(username, actor, Actor(found["role"], found["party"]))

    async def list_users(self) -> list[dict[str, Any]]:
        """Every user with its role and any current lock-out (no hashes)."""
        await self.ready()
        query = (
            select(
                users.c.username,
                users.c.role,
                users.c.party,
                users.c.active,
                users.c.created_at,
                login_failures.c.locked_until,
            )
            .outerjoin(login_failures, login_failures.c.username == users.c.username)
            .order_by(users.c.username)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        now = datetime.now(UTC)
        found = []
        for row in rows:
            locked = _utc(row["locked_until"])
            found.append(
                {
                    **dict(row),
                    "created_at": _utc(row["created_at"]),
                    "locked_until": locked if locked and locked > now else None,
                }
            )
        return found

    async def unlock(self, username: str) -> bool:
        """Lift a lock-out now; False when the account was not locked."""
        await self.ready()
        async with self.engine.begin() as conn:
            done = await conn.execute(
                delete(login_failures).where(
                    login_failures.c.username == username,
                    login_failures.c.locked_until > datetime.now(UTC),
                )
            )
        return bool(done.rowcount)

    async def has_user(self, username: str) -> bool:
        await self.ready()
        async with self.engine.connect() as conn:
            query = select(users.c.username).where(users.c.username == username)
            return (await conn.execute(query)).first() is not None

    async def login(self, username: str, password: str) -> User | None:
        """The user when the password matches and the account is not locked; None otherwise."""
        return (await self.attempt_login(username, password)).user

    async def attempt_login(
        self, username: str, password: str, now: datetime | None = None
    ) -> LoginAttempt:
        """Check a password, honouring and updating the account's lock-out; an old hash that
        matches is replaced by the current scheme. Unknown names are throttled like real ones
        (the answers do not tell which names exist), and cost the same hash check."""
        await self.ready()
        now = now or datetime.now(UTC)
        async with self.engine.connect() as conn:
            row = (
                (await conn.execute(select(users).where(users.c.username == username)))
                .mappings()
                .first()
            )
            failed = (
                (
                    await conn.execute(
                        select(login_failures).where(login_failures.c.username == username)
                    )
                )
                .mappings()
                .first()
            )
        locked_until = _utc(failed["locked_until"]) if failed else None
        if locked_until is not None and locked_until > now:
            return LoginAttempt(username, failure="locked", locked_until=locked_until)
        stored = row["password_hash"] if row is not None else DUMMY_HASH
        matches, new_hash = await asyncio.to_thread(verify_password, password, stored)
        if row is not None and matches and row["active"]:
            await self._succeeded(username, new_hash)
            return LoginAttempt(
                username, User(username, Actor(row["role"], row["party"])), rehashed=bool(new_hash)
            )
        failure: LoginFailure = (
            "unknown_user" if row is None else "wrong_password" if not matches else "inactive"
        )
        locked = await self._failed(username, failed, now)
        return LoginAttempt(username, failure=failure, locked_until=locked)

    async def _succeeded(self, username: str, new_hash: str | None) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(login_failures).where(login_failures.c.username == username))
            if new_hash:
                await conn.execute(
                    update(users).where(users.c.username == username).values(password_hash=new_hash)
                )

    async def _failed(self, username: str, before: Any, now: datetime) -> datetime | None:
        """Count a failure; the lock-out's end when this one reaches the limit."""
        last = _utc(before["last_failure_at"]) if before else None
        recent = before is not None and last is not None and now - last < self.lockout.window
        failures = (before["failures"] if recent else 0) + 1
        locked_until = now + self.lockout.duration if failures >= self.lockout.after else None
        row = {
            "username": username,
            "failures": 0 if locked_until else failures,
            "last_failure_at": now,
            "locked_until": locked_until,
        }
        stale = now - max(self.lockout.window, self.lockout.duration)
        async with self.engine.begin() as conn:
            await upsert(conn, login_failures, row, ["username"])
            await conn.execute(  # forget old failures, so the table stays small
                delete(login_failures).where(
                    login_failures.c.last_failure_at < stale,
                    or_(
                        login_failures.c.locked_until.is_(None),
                        login_failures.c.locked_until < now,
                    ),
                )
            )
        return locked_until

    async def issue_key(
        self,
        actor: Actor,
        name: str,
        *,
        expires_at: datetime | None = None,
        key_id: str | None = None,
        secret: str | None = None,
    ) -> IssuedKey:
        """A new API key for a partner, valid until ``expires_at`` (None: until revoked); a
        fixed ``key_id``/``secret`` only for the demo seed."""
        await self.ready()
        key_id = key_id or secrets.token_hex(8)
        secret = secret or secrets.token_urlsafe(32)
        key = f"{KEY_PREFIX}_{key_id}_{secret}"
        signing = new_secret()
        row = {
            "key_id": key_id,
            "key_hash": _sha256(key),
            "signing_secret": signing,
            "role": actor.role,
            "party": actor.party,
            "name": name,
            "created_at": datetime.now(UTC),
            "revoked_at": None,
            "expires_at": expires_at,
        }
        async with self.engine.begin() as conn:
            existing = (
                await conn.execute(
                    select(api_keys.c.signing_secret).where(api_keys.c.key_id == key_id)
                )
            ).first()
            if existing is not None:
                row["signing_secret"] = signing = existing[0]
            await upsert(conn, api_keys, row, ["key_id"])
        return IssuedKey(key_id, key, signing, actor, expires_at)

    async def revoke_key(self, key_id: str) -> bool:
        await self.ready()
        async with self.engine.begin() as conn:
            done = await conn.execute(
                update(api_keys)
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return bool(done.rowcount)

    async def partner(self, key_id: str) -> PartnerKey | None:
        """A usable key by its public id (signed webhooks name it)."""
        row = await self._usable_key(key_id)
        return None if row is None else _partner_of(row)

    async def authenticate_key(self, key: str) -> PartnerKey | None:
        """The partner an API key belongs to; None for an unknown, malformed, revoked or
        expired key."""
        prefix, _, rest = key.partition("_")
        key_id, _, _secret = rest.partition("_")
        if prefix != KEY_PREFIX or not key_id:
            return None
        row = await self._usable_key(key_id)
        if row is None or not hmac.compare_digest(row["key_hash"], _sha256(key)):
            return None
        return _partner_of(row)

    async def _usable_key(self, key_id: str) -> Any:
        """The key's row when it is neither revoked nor expired."""
        await self.ready()
        async with self.engine.connect() as conn:
            found = await conn.execute(_USABLE_KEY, {"key_id": key_id, "now": datetime.now(UTC)})
            return found.mappings().first()

    async def touch_key(self, key_id: str, now: datetime | None = None) -> None:
        """Note that the key was used (to the minute: one write a minute at most)."""
        now = now or datetime.now(UTC)
        touched = self._touched.get(key_id)
        if touched is not None and now - touched < USED_PRECISION:
            return  # written a moment ago: no write transaction per request
        self._touched[key_id] = now
        await self.ready()
        async with self.engine.begin() as conn:
            await conn.execute(
                update(api_keys)
                .where(
                    api_keys.c.key_id == key_id,
                    or_(
                        api_keys.c.last_used_at.is_(None),
                        api_keys.c.last_used_at < now - USED_PRECISION,
                    ),
                )
                .values(last_used_at=now)
            )

    async def list_keys(self) -> list[dict[str, Any]]:
        """Every key's public facts (never its hash or signing secret), newest first."""
        await self.ready()
        columns = [
            api_keys.c[name]
            for name in (
                "key_id", "role", "party", "name", "created_at", "expires_at", "last_used_at",
                "revoked_at",
            )
        ]  # fmt: skip
        query = select(*columns).order_by(api_keys.c.created_at.desc(), api_keys.c.key_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        dated = ("created_at", "expires_at", "last_used_at", "revoked_at")
        return [{**row, **{k: _utc(row[k]) for k in dated}} for row in rows]

    async def open_session(self, user: User) -> tuple[str, Session]:
        """A new session id (the cookie value) and its CSRF token; only the id's hash is kept."""
        await self.ready()
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        row = {
            "session_hash": _sha256(session_id),
            "username": user.username,
            "role": user.actor.role,
            "party": user.actor.party,
            "csrf_token": csrf,
            "expires_at": datetime.now(UTC) + self.session_ttl,
        }
        async with self.engine.begin() as conn:
            await conn.execute(sessions.insert().values(**row))
        return session_id, Session(user.username, user.actor, csrf)

    async def session(self, session_id: str) -> Session | None:
        await self.ready()
        async with self.engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(sessions).where(sessions.c.session_hash == _sha256(session_id))
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        expires = row["expires_at"]
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if expires <= datetime.now(UTC):
            return None
        return Session(row["username"], Actor(row["role"], row["party"]), row["csrf_token"])

    async def close_session(self, session_id: str) -> None:
        await self.ready()
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(sessions).where(sessions.c.session_hash == _sha256(session_id))
            )
