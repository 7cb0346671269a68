"""What a process read from its database, kept until a write of it commits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

V = TypeVar("V")


class Remembered:
    """Values read from a database by key, kept for the next look-up. The writer calls
    :meth:`written` when a write of a key commits (the key is forgotten); a read that a write
    overlapped is not kept; when another process wrote the database (its ``generation`` moved,
    or cannot be known) everything is forgotten and nothing is kept."""

    def __init__(self, limit: int = 10_000) -> None:
        self._rows: dict[Any, Any] = {}
        self._writes = 0
        self._generation: int | None = None
        self.limit = limit

    async def lookup(
        self, key: Any, generation: int | None, read: Callable[[], Awaitable[V | None]]
    ) -> V | None:
        """The value of ``key``: as remembered, or ``read()`` (and kept, unless a write of it
        committed meanwhile). ``generation`` is the database's (``Database.generation``)."""
        found: V | None = self.get(key, generation)
        if found is None:
            since = self.reading()
            found = await read()
            self.keep(key, found, since)
        return found

    def get(self, key: Any, generation: int | None) -> Any:
        if generation is None or generation != self._generation:
            self._rows.clear()
            self._generation = generation
            return None
        return self._rows.get(key)

    def reading(self) -> int:
        return self._writes

    def keep(self, key: Any, value: Any, since: int) -> None:
        if value is None or since != self._writes or self._generation is None:
            return
        if len(self._rows) >= self.limit:
            self._rows.clear()
        self._rows[key] = value

    def written(self, key: Any) -> None:
        self._writes += 1
        self._rows.pop(key, None)
