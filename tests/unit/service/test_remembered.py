"""A remembered value never outlives a change: a write forgets its key when it commits, a read
that a write overlapped is not kept, and a database another process wrote forgets them all."""

from __future__ import annotations

from shared.service.remembered import Remembered


def test_a_read_that_a_write_overlapped_is_not_kept() -> None:
    remembered = Remembered()
    assert remembered.get("k", generation=0) is None
    since = remembered.reading()
    remembered.written("k")  # committed while the read was under way
    remembered.keep("k", {"name": "stale"}, since)
    assert remembered.get("k", generation=0) is None

    remembered.keep("k", {"name": "fresh"}, remembered.reading())
    assert remembered.get("k", generation=0) == {"name": "fresh"}
    assert remembered.get("k", generation=1) is None, "another process wrote: forget all"
    assert remembered.get("k", generation=None) is None


async def test_lookup_reads_once_and_not_again_until_a_write() -> None:
    remembered = Remembered()
    reads: list[str] = []

    async def read() -> str:
        reads.append("read")
        return f"value {len(reads)}"

    assert await remembered.lookup("k", 0, read) == "value 1"
    assert await remembered.lookup("k", 0, read) == "value 1"
    remembered.written("k")
    assert await remembered.lookup("k", 0, read) == "value 2"

    async def overlapped() -> str:
        remembered.written("k")  # a write committed while this read was under way
        return "stale"

    remembered.written("k")
    assert await remembered.lookup("k", 0, overlapped) == "stale"
    assert await remembered.lookup("k", 0, read) == "value 3", "the overlapped read was not kept"
    assert reads == ["read"] * 3
