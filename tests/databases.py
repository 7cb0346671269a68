"""A fresh database of each kind for tests: a SQLite file, or a PostgreSQL schema of its own."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from shared.sql import Database
from shared.sql.postgres import PostgresDatabase, asyncpg_dsn
from shared.sql.sqlite import SqliteDatabase

NO_POSTGRES = "PostgreSQL not available: set DATABASE_URL (make test starts one)"
KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres")):
        pytest.skip(NO_POSTGRES)
    return url


@contextlib.asynccontextmanager
async def fresh_database(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    if kind == "sqlite":
        database = SqliteDatabase(tmp_path / f"{uuid4().hex[:8]}.db")
        try:
            yield database
        finally:
            await database.close()
        return
    async with postgres_schema(1) as (pg,):
        yield pg


@contextlib.asynccontextmanager
async def postgres_schema(processes: int) -> AsyncIterator[tuple[PostgresDatabase, ...]]:
    """A PostgreSQL schema of its own, opened ``processes`` times (as separate processes of one
    service open their database), dropped afterwards."""
    url = postgres_url()
    schema = f"t_{uuid4().hex[:12]}"
    opened = [await PostgresDatabase.open(url, schema) for _ in range(processes)]
    try:
        yield tuple(opened)
    finally:
        for database in opened:
            await database.close()
        conn = await asyncpg.connect(asyncpg_dsn(url)[0])
        try:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await conn.close()


@contextlib.asynccontextmanager
async def fresh_postgres_url() -> AsyncIterator[str]:
    """The URL of a PostgreSQL database of its own (an embedded system puts a schema per
    service into it), dropped afterwards."""
    url = postgres_url()
    name = f"t_{uuid4().hex[:12]}"
    dsn = asyncpg_dsn(url)[0]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    try:
        yield str(make_url(url).set(database=name).render_as_string(hide_password=False))
    finally:
        await _drop_database(dsn, name)


async def _drop_database(dsn: str, name: str, attempts: int = 50) -> None:
    """DROP … WITH (FORCE) ends our leftover sessions, but not an autovacuum worker that
    happens to be in the database (the test role may not signal it): wait for it to finish."""
    conn = await asyncpg.connect(dsn)
    try:
        for attempt in range(attempts):
            try:
                await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            except asyncpg.exceptions.InsufficientPrivilegeError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.2)
    finally:
        await conn.close()
