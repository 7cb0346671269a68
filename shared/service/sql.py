"""Small SQLAlchemy Core helpers that read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from shared.sql import Connection

_UPSERTS: dict[tuple[Table, str, tuple[str, ...], tuple[str, ...]], Any] = {}
_FILTERED: dict[tuple[Any, tuple[str, ...]], Any] = {}


def filtered(base: Any, table: Table, columns: Sequence[str]) -> Any:
    """``base`` narrowed to ``column = :column`` for each of ``columns`` (bound by name), built
    once per set of columns: a list route's filters come in a handful of combinations."""
    shape = (base, tuple(columns))
    found = _FILTERED.get(shape)
    if found is None:
        found = base.where(*(table.c[name] == bindparam(name) for name in columns))
        _FILTERED[shape] = found
    return found


def upsert_statement(table: Table, dialect: str, columns: Sequence[str], key: Sequence[str]) -> Any:
    """INSERT ... ON CONFLICT (key) DO UPDATE the other ``columns``, built once per shape."""
    shape = (table, dialect, tuple(columns), tuple(key))
    found = _UPSERTS.get(shape)
    if found is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table)
        updates = {name: statement.excluded[name] for name in columns if name not in key}
        if updates:
            found = statement.on_conflict_do_update(index_elements=list(key), set_=updates)
        else:
            found = statement.on_conflict_do_nothing(index_elements=list(key))
        _UPSERTS[shape] = found
    return found


async def upsert(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    key: Sequence[str],
) -> None:
    """Insert a row, or update every non-key column when the key already exists."""
    statement = upsert_statement(table, conn.dialect.name, list(values), key)
    await conn.execute(statement, dict(values))


async def hold_until_commit(conn: Connection, name: str) -> None:
    """PostgreSQL: no other transaction holding ``name`` runs until this one ends (an advisory
    lock, so processes that share a database take turns). SQLite needs none: its one writer
    already runs one unit at a time, nor does a PostgreSQL database whose writers all take one
    lock as they begin (``writers_serialized``)."""
    if conn.dialect.name == "postgresql" and not conn.database.writers_serialized:
        await conn.run("SELECT pg_advisory_xact_lock(hashtext($1))", (name,))
