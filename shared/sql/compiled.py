"""SQLAlchemy statements compiled once per dialect into driver SQL with positional parameters.

A statement object built once (with ``bindparam``) is found again by identity; one built per
call is found by SQLAlchemy's cache key, which costs a few microseconds instead of a compile.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement, sqltypes
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert

Processor = Callable[[Any], Any]
Slot = tuple[str, int, Processor | None]

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Prepared:
    """One statement, compiled for one dialect: what the driver runs and how values convert."""

    sql: str
    names: tuple[str, ...]
    keys: tuple[str, ...]  # each positional parameter's bindparam key
    defaults: tuple[Any, ...]  # the value bound in the statement, or _MISSING
    binds: tuple[Processor | None, ...]
    columns: tuple[str, ...]
    results: tuple[Processor | None, ...] | None
    expanding: bool
    compiled: SQLCompiler
    returns_rows: bool
    expansions: dict[tuple[int, ...], tuple[str, list[Slot]]] = field(default_factory=dict)
    """IN-list shapes (list lengths) seen so far: their SQL and where each argument comes from."""

    def arguments(self, params: Mapping[str, Any] | None) -> list[Any]:
        """Positional driver arguments from the caller's parameters and the statement's own."""
        params = params or {}
        out: list[Any] = []
        for key, default, bind in zip(self.keys, self.defaults, self.binds, strict=True):
            value = params.get(key, default)
            if value is _MISSING:
                raise KeyError(f"no value for parameter {key!r} of: {self.sql}")
            out.append(value if bind is None or value is None else bind(value))
        return out


def _returns_rows(statement: ClauseElement, compiled: SQLCompiler) -> bool:
    if getattr(statement, "is_select", False):
        return True
    if getattr(compiled, "effective_returning", None) or getattr(statement, "_returning", ()):
        return True
    text = str(compiled).lstrip().upper()
    return text.startswith(("SELECT", "WITH", "VALUES", "PRAGMA"))


def _compile(
    statement: ClauseElement,
    dialect: Dialect,
    column_keys: Sequence[str] | None,
    cache_key: Any = None,
) -> Prepared:
    kwargs: dict[str, Any] = {"dialect": dialect}
    if column_keys is not None:
        kwargs["column_keys"] = list(column_keys)
    if cache_key is not None:
        kwargs["cache_key"] = cache_key
    compiled = statement.compile(**kwargs)
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    processors = compiled._bind_processors
    keys = tuple(by_name[name].key if name in by_name else name for name in names)
    defaults = tuple(_default(by_name.get(name)) for name in names)
    result_columns = compiled._result_columns or []
    columns = tuple(column.keyname for column in result_columns)
    results = tuple(
        column.type._cached_result_processor(dialect, _driver_type(column.type))
        for column in result_columns
    )
    expanding = "POSTCOMPILE" in compiled.string
    return Prepared(
        sql=compiled.string,
        names=names,
        keys=keys,
        defaults=defaults,
        binds=tuple(processors.get(name) for name in names),  # type: ignore[misc]
        columns=columns,
        results=results if any(results) else None,
        expanding=expanding,
        compiled=compiled,
        returns_rows=_returns_rows(statement, compiled),
    )


def _default(bind: Any) -> Any:
    if bind is None:
        return _MISSING
    if bind.callable is not None:
        return bind.callable()
    if bind.value is None and bind.required:
        return _MISSING
    return bind.value


class StatementCache:
    """Prepared statements of one dialect."""

    def __init__(self, dialect: Dialect, *, size: int = 2000) -> None:
        self.dialect = dialect
        self._by_identity: weakref.WeakKeyDictionary[ClauseElement, dict[Any, Prepared]] = (
            weakref.WeakKeyDictionary()
        )
        self._by_key: dict[Any, Prepared] = {}
        self._size = size

    def prepare(
        self, statement: ClauseElement, params: Mapping[str, Any] | None
    ) -> tuple[Prepared, Mapping[str, Any] | None]:
        """The prepared form and, when the statement carries values of its own (built per call),
        those values by compiled name; else None (values come from ``params``)."""
        column_keys = _column_keys(statement, params)
        by_identity = self._by_identity.get(statement)
        if by_identity is not None:
            found = by_identity.get(column_keys)
            if found is not None:
                return found, None
        key = statement._generate_cache_key()
        if key is None:  # not cacheable: compile every time
            return _compile(statement, self.dialect, column_keys), None
        lookup = (key.key, column_keys)
        prepared = self._by_key.get(lookup)
        if prepared is None:
            prepared = _compile(statement, self.dialect, column_keys, cache_key=key)
            if len(self._by_key) >= self._size:
                self._by_key.clear()
            self._by_key[lookup] = prepared
            self._by_identity.setdefault(statement, {})[column_keys] = prepared
            return prepared, None
        if not key.bindparams:
            self._by_identity.setdefault(statement, {})[column_keys] = prepared
            return prepared, None
        # The same shape with other literal values: take them from this statement's binds.
        values = prepared.compiled.construct_params(params, extracted_parameters=key.bindparams)
        return prepared, values


def _column_keys(statement: ClauseElement, params: Mapping[str, Any] | None) -> Any:
    """An INSERT without values() lists the columns its parameters name."""
    if params and isinstance(statement, Insert) and not statement._values:
        return tuple(params)
    return None


def driver_arguments(
    prepared: Prepared, params: Mapping[str, Any] | None, values: Mapping[str, Any] | None
) -> tuple[str, list[Any]]:
    """The SQL and positional arguments to run: ``values`` (by compiled name) when the statement
    carried its own, else ``params`` (by bindparam key) over the statement's defaults."""
    if not prepared.expanding:
        if values is None:
            return prepared.sql, prepared.arguments(params)
        return prepared.sql, [
            value if bind is None or value is None else bind(value)
            for value, bind in (
                (values[n], b) for n, b in zip(prepared.names, prepared.binds, strict=True)
            )
        ]
    if values is None:
        source = params or {}
        values = {
            name: source.get(key, default)
            for name, key, default in zip(
                prepared.names, prepared.keys, prepared.defaults, strict=True
            )
        }
    flat = {name: _flatten(values[name]) for name in prepared.names}
    lengths = tuple(len(f) if (f := flat[name]) is not None else -1 for name in prepared.names)
    expanded = prepared.expansions.get(lengths)
    if expanded is None:
        expanded = _expansion(prepared, values, lengths)
    sql, slots = expanded
    args = []
    for name, index, process in slots:
        value = values[name] if index < 0 else flat[name][index]  # type: ignore[index]
        args.append(value if process is None or value is None else process(value))
    return sql, args


def _flatten(value: Any) -> list[Any] | None:
    """An IN list's values in the order SQLAlchemy numbers them (tuples element by element)."""
    if not isinstance(value, list | tuple):
        return None
    if value and isinstance(value[0], tuple):
        return [element for row in value for element in row]
    return list(value)


def _expansion(
    prepared: Prepared, values: Mapping[str, Any], lengths: tuple[int, ...]
) -> tuple[str, list[Slot]]:
    """The SQL of an IN-list statement for these list lengths, and where each argument comes
    from; SQLAlchemy expands it once per shape, then the shape is reused."""
    state = prepared.compiled.construct_expanded_state(dict(values))
    origin: dict[str, tuple[str, int]] = {}
    for name in prepared.names:
        for index, expanded_name in enumerate(state.parameter_expansion.get(name, ())):
            origin[expanded_name] = (name, index)
        origin.setdefault(name, (name, -1))
    slots: list[Slot] = [
        (*origin[name], state.processors.get(name)) for name in state.positiontup or ()
    ]
    if len(prepared.expansions) > 500:
        prepared.expansions.clear()
    found = prepared.expansions[lengths] = (state.statement, slots)
    return found


_FLOAT8, _NUMERIC = 701, 1700
"""PostgreSQL type oids: a numeric column's result processor depends on what the driver returns."""


def _driver_type(column_type: Any) -> int | None:
    """The driver's type code a result processor is chosen by (SQLite ignores it)."""
    if isinstance(column_type, sqltypes.Float):
        return _FLOAT8
    if isinstance(column_type, sqltypes.Numeric):
        return _NUMERIC
    return None
