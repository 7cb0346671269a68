"""A batch's unit of work over a projection's keyed tables.

Folding a batch of events one SQL round trip at a time costs a read and a write per event;
here each row is read at most once per batch (many in one query when the keys are known up
front), changed in memory, and written back with one statement per table at the end.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table, and_, bindparam, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from shared.events.envelope import Envelope
from shared.sql import Connection

Key = tuple[Any, ...]
Row = dict[str, Any]

# SQLite allows 32,766 bound parameters; PostgreSQL 32,767. Stay well below both.
_MAX_PARAMETERS = 30_000


def order_ids(envelopes: Iterable[Envelope]) -> set[str]:
    """The orders the events name."""
    found = (getattr(envelope.event, "order_id", None) for envelope in envelopes)
    return {str(order_id) for order_id in found if order_id is not None}


def order_keys(envelopes: Iterable[Envelope]) -> set[Key]:
    """The ``(order_id,)`` keys of the events that name an order."""
    return {(order_id,) for order_id in order_ids(envelopes)}


def key_of(table: Table, row: Mapping[str, Any]) -> Key:
    return tuple(row[column.name] for column in table.primary_key.columns)


class Rows:
    """Rows of keyed tables, loaded on first use and written back by :meth:`flush`.

    Every table used here must have a primary key; a row is a dict of all its columns.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._rows: dict[str, dict[Key, Row | None]] = {}
        self._dirty: dict[str, set[Key]] = {}
        self._tables: dict[str, Table] = {}
        # (table, column) -> value -> keys: rows found by a column other than the primary key.
        self._indexes: dict[tuple[str, str], dict[Any, set[Key]]] = {}
        self._loaded_by: dict[tuple[str, str], set[Any]] = {}

    def _cache(self, table: Table) -> dict[Key, Row | None]:
        self._tables[table.name] = table
        return self._rows.setdefault(table.name, {})

    async def load(self, table: Table, keys: Iterable[Key]) -> None:
        """Read every row of ``keys`` not yet loaded, in as few queries as the limits allow."""
        cache = self._cache(table)
        wanted = list(dict.fromkeys(key for key in keys if key not in cache))
        if not wanted:
            return
        columns = list(table.primary_key.columns)
        single = len(columns) == 1
        if not single and self.conn.dialect.name != "postgresql":
            # SQLite has no row-value IN list for many keys; one indexed lookup per key is cheap.
            query = _by_key(table)
            names = [f"k_{column.name}" for column in columns]
            for key in wanted:
                found = await self.conn.execute(query, dict(zip(names, key, strict=True)))
                for row in found.mappings():
                    cache[key_of(table, row)] = row
        else:
            chunk = max(1, _MAX_PARAMETERS // len(columns))
            query = _by_keys(table)
            for start in range(0, len(wanted), chunk):
                part = wanted[start : start + chunk]
                values = [key[0] for key in part] if single else part
                for row in (await self.conn.execute(query, {"keys": values})).mappings():
                    cache[key_of(table, row)] = row
        for key in wanted:
            cache.setdefault(key, None)

    async def load_by(self, table: Table, column: str, values: Iterable[Any]) -> None:
        """Read every row whose ``column`` is one of ``values``, so :meth:`find` can answer."""
        cache, index = self._cache(table), self._index(table, column)
        loaded = self._loaded_by.setdefault((table.name, column), set())
        wanted = [value for value in dict.fromkeys(values) if value not in loaded]
        query = _by_column(table, column)
        for start in range(0, len(wanted), _MAX_PARAMETERS):
            part = wanted[start : start + _MAX_PARAMETERS]
            for row in (await self.conn.execute(query, {"values": part})).mappings():
                key = key_of(table, row)
                current = cache.setdefault(key, row)  # a row this batch changed is newer
                if current is not None:
                    index.setdefault(current[column], set()).add(key)
        loaded.update(wanted)

    async def find(self, table: Table, column: str, value: Any) -> list[Row]:
        """The rows (as this batch left them) whose ``column`` equals ``value``."""
        if value not in self._loaded_by.get((table.name, column), ()):
            await self.load_by(table, column, [value])
        cache = self._rows[table.name]
        found = (cache.get(key) for key in self._index(table, column).get(value, ()))
        return [row for row in found if row is not None and row[column] == value]

    def _index(self, table: Table, column: str) -> dict[Any, set[Key]]:
        index = self._indexes.get((table.name, column))
        if index is None:
            index = self._indexes[(table.name, column)] = {}
            for key, row in self._cache(table).items():  # rows already read or put
                if row is not None:
                    index.setdefault(row[column], set()).add(key)
        return index

    async def get(self, table: Table, key: Key) -> Row | None:
        """The row (a copy is not made: change it and :meth:`put` it), or None."""
        cache = self._cache(table)
        if key not in cache:
            await self.load(table, [key])
        return cache[key]

    def put(self, table: Table, row: Row) -> None:
        """Insert or replace the row; columns left out take their defaults (or NULL)."""
        full = {**self._defaults(table), **row}
        key = key_of(table, full)
        self._cache(table)[key] = full
        self._dirty.setdefault(table.name, set()).add(key)
        for (name, column), index in self._indexes.items():
            if name == table.name:
                index.setdefault(full[column], set()).add(key)

    def _defaults(self, table: Table) -> Row:
        defaults = _DEFAULTS.get(table)
        if defaults is None:
            defaults = _DEFAULTS[table] = {c.name: _default(c) for c in table.columns}
        return defaults

    def delete(self, table: Table, key: Key) -> None:
        self._cache(table)[key] = None
        self._dirty.setdefault(table.name, set()).add(key)

    async def flush(self) -> None:
        """Write every changed row: one delete and one upsert statement per table."""
        for name, keys in self._dirty.items():
            table, cache = self._tables[name], self._rows[name]
            gone = [key for key in keys if cache[key] is None]
            kept = [row for key in keys if (row := cache[key]) is not None]
            if gone:
                await self._delete(table, gone)
            if kept:
                await self.conn.execute(_upsert(table, self.conn.dialect.name), kept)
        self._dirty.clear()

    async def _delete(self, table: Table, keys: list[Key]) -> None:
        columns = list(table.primary_key.columns)
        await self.conn.execute(
            _delete_by_key(table),
            [{f"k_{c.name}": value for c, value in zip(columns, key, strict=True)} for key in keys],
        )


_DEFAULTS: weakref.WeakKeyDictionary[Table, Row] = weakref.WeakKeyDictionary()
_STATEMENTS: weakref.WeakKeyDictionary[Table, dict[str, Any]] = weakref.WeakKeyDictionary()


def _statements(table: Table) -> dict[str, Any]:
    """Statements built once per table, so the driver path finds them compiled."""
    found = _STATEMENTS.get(table)
    if found is None:
        found = _STATEMENTS[table] = {}
    return found


def _by_keys(table: Table) -> Any:
    """Rows by a list of primary keys (a row-value IN list for composite keys)."""
    made = _statements(table)
    if "by_keys" not in made:
        columns = list(table.primary_key.columns)
        target = columns[0] if len(columns) == 1 else tuple_(*columns)
        made["by_keys"] = select(table).where(target.in_(bindparam("keys", expanding=True)))
    return made["by_keys"]


def _by_key(table: Table) -> Any:
    """One row by its (composite) primary key."""
    made = _statements(table)
    if "by_key" not in made:
        columns = list(table.primary_key.columns)
        where = and_(*(column == bindparam(f"k_{column.name}") for column in columns))
        made["by_key"] = select(table).where(where)
    return made["by_key"]


def _by_column(table: Table, column: str) -> Any:
    made = _statements(table)
    name = f"by:{column}"
    if name not in made:
        values: Any = bindparam("values", expanding=True)
        made[name] = select(table).where(table.c[column].in_(values))
    return made[name]


def _delete_by_key(table: Table) -> Any:
    made = _statements(table)
    if "delete" not in made:
        columns = list(table.primary_key.columns)
        where = and_(*(column == bindparam(f"k_{column.name}") for column in columns))
        made["delete"] = table.delete().where(where)
    return made["delete"]


def _default(column: Any) -> Any:
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    return None


def _upsert(table: Table, dialect: str) -> Any:
    made = _statements(table)
    key = f"upsert:{dialect}"
    if key not in made:
        made[key] = _build_upsert(table, dialect)
    return made[key]


def _build_upsert(table: Table, dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    keys = {column.name for column in table.primary_key.columns}
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    if not updates:
        return statement.on_conflict_do_nothing(index_elements=list(keys))
    return statement.on_conflict_do_update(index_elements=list(keys), set_=updates)
