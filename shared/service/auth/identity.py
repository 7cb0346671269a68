"""Users, partner API keys and portal sessions, kept in a table (not events): credentials are
secrets that get rotated, revoked and erased, which an immutable event log must not hold."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    delete,
    select,
    update,
)

from shared.service.auth.actor import Actor
from shared.service.auth.passwords import DUMMY_HASH, hash_password, verify_password
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

KEY_PREFIX = "b2bk"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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


@dataclass(frozen=True)
class PartnerKey:
    key_id: str
    actor: Actor
    signing_secret: str


@dataclass(frozen=True)
class Session:
    username: str
    actor: Actor
    csrf_token: str


class IdentityStore:
    """The credentials table: passwords scrypt-hashed, API keys SHA-256-hashed (they are random)."""

    def __init__(self, engine: Database, session_ttl: timedelta = timedelta(hours=8)) -> None:
        self.engine = engine
        self.session_ttl = session_ttl
        self._ready = False
        self._lock = asyncio.Lock()

    async def ready(self) -> None:
        if self._ready:
            return
        async with self._lock:
            if not self._ready:
                await self.engine.create_all(metadata)
                self._ready = True

    async def set_user(self, username: str, password: str, actor: Actor) -> None:
        """Create a user or reset its password and role."""
        await self.ready()
        row = {
            "username": username,
            "password_hash": hash_password(password),
            "role": actor.role,
            "party": actor.party,
            "active": True,
            "created_at": datetime.now(UTC),
        }
        async with self.engine.begin() as conn:
            await upsert(conn, users, row, ["username"])

    async def has_user(self, username: str) -> bool:
        await self.ready()
        async with self.engine.connect() as conn:
            query = select(users.c.username).where(users.c.username == username)
            return (await conn.execute(query)).first() is not None

    async def login(self, username: str, password: str) -> User | None:
        """The user when the password matches; None otherwise (same cost either way)."""
        await self.ready()
        async with self.engine.connect() as conn:
            row = (
                (await conn.execute(select(users).where(users.c.username == username)))
                .mappings()
                .first()
            )
        stored = row["password_hash"] if row is not None else DUMMY_HASH
        matches = await asyncio.to_thread(verify_password, password, stored)
        if row is None or not matches or not row["active"]:
            return None
        return User(username, Actor(row["role"], row["party"]))

    async def issue_key(
        self, actor: Actor, name: str, *, key_id: str | None = None, secret: str | None = None
    ) -> IssuedKey:
        """A new API key for a partner; a fixed ``key_id``/``secret`` only for the demo seed."""
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
        return IssuedKey(key_id, key, signing, actor)

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
        """An active key by its public id (signed webhooks name it)."""
        await self.ready()
        async with self.engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(api_keys).where(
                            api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None)
                        )
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return PartnerKey(row["key_id"], Actor(row["role"], row["party"]), row["signing_secret"])

    async def authenticate_key(self, key: str) -> PartnerKey | None:
        """The partner an API key belongs to; None for an unknown, malformed or revoked key."""
        prefix, _, rest = key.partition("_")
        key_id, _, _secret = rest.partition("_")
        if prefix != KEY_PREFIX or not key_id:
            return None
        await self.ready()
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(api_keys.c.key_hash).where(
                        api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None)
                    )
                )
            ).first()
        if row is None or not hmac.compare_digest(row[0], _sha256(key)):
            return None
        return await self.partner(key_id)

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
