"""Query results in the shape SQLAlchemy's Result offers, without its per-row machinery."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


class Row(tuple[Any, ...]):
    """A result row: a tuple whose columns are also attributes; ``_mapping`` is a dict."""

    __slots__ = ()
    _keys: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._index[name]]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(zip(self._keys, self, strict=True))

    def _asdict(self) -> dict[str, Any]:
        return self._mapping


_ROW_TYPES: dict[tuple[str, ...], type[Row]] = {}


def row_type(keys: tuple[str, ...]) -> type[Row]:
    found = _ROW_TYPES.get(keys)
    if found is None:
        index = {key: i for i, key in enumerate(keys)}
        found = type("Row", (Row,), {"__slots__": (), "_keys": keys, "_index": index})
        _ROW_TYPES[keys] = found
    return found


class Result:
    """Every row of a statement, fetched; ``rowcount`` for writes."""

    __slots__ = ("_keys", "_rows", "rowcount")

    def __init__(
        self, keys: tuple[str, ...], rows: Sequence[Sequence[Any]], rowcount: int = -1
    ) -> None:
        self._keys = keys
        self._rows = rows
        self.rowcount = rowcount

    def keys(self) -> tuple[str, ...]:
        return self._keys

    def _typed(self) -> list[Row]:
        kind = row_type(self._keys)
        return [kind(row) for row in self._rows]

    def all(self) -> list[Row]:
        return self._typed()

    fetchall = all

    def __iter__(self) -> Iterator[Row]:
        return iter(self._typed())

    def first(self) -> Row | None:
        return row_type(self._keys)(self._rows[0]) if self._rows else None

    fetchone = first

    def one(self) -> Row:
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, got {len(self._rows)}")
        return row_type(self._keys)(self._rows[0])

    def one_or_none(self) -> Row | None:
        if len(self._rows) > 1:
            raise LookupError(f"expected at most one row, got {len(self._rows)}")
        return self.first()

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, got {len(self._rows)}")
        return self._rows[0][0]

    def scalar_one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise LookupError(f"expected at most one row, got {len(self._rows)}")
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> Scalars:
        return Scalars([row[0] for row in self._rows])

    def mappings(self) -> Mappings:
        keys = self._keys
        return Mappings([dict(zip(keys, row, strict=True)) for row in self._rows])


class Scalars:
    __slots__ = ("_values",)

    def __init__(self, values: list[Any]) -> None:
        self._values = values

    def all(self) -> list[Any]:
        return self._values

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def first(self) -> Any:
        return self._values[0] if self._values else None

    def one(self) -> Any:
        if len(self._values) != 1:
            raise LookupError(f"expected one row, got {len(self._values)}")
        return self._values[0]


class Mappings:
    __slots__ = ("_rows",)

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._rows = rows

    def all(self) -> list[dict[str, Any]]:
        return self._rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows)

    def first(self) -> dict[str, Any] | None:
        return self._rows[0] if self._rows else None

    def one(self) -> dict[str, Any]:
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def one_or_none(self) -> dict[str, Any] | None:
        if len(self._rows) > 1:
            raise LookupError(f"expected at most one row, got {len(self._rows)}")
        return self.first()
