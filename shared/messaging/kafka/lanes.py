"""The partitions of one source topic that this process holds, each a lane: a kernel dispatcher
whose checkpoints are that partition's (``<source>#<partition>``).

Within a partition the relay's messages are in the source store's log order, so a lane's
checkpoint is the source's global position: a redelivered message (an offset consumed again
after a crash or a rebalance, or an event the relay produced twice after a broker failure) is
at or below it and is skipped. The dispatchers are guarded: if two processes hold a partition
at once (a member that lost it still finishing its batch), each event is applied once.

A lane also knows the offset it expects next (from the committed offset it was assigned at,
then from each message it handled): a message past it means the client skipped some (Faust
drops fetched messages when a rebalance cuts in), so the lane stops there and names the offset
to read again from (:attr:`Lanes.missing`); the member seeks back and nothing is lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import structlog

from shared.eventstore.port import RecordedEvent
from shared.messaging.dispatcher import Dispatcher
from shared.messaging.kafka.wire import decode

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Message:
    """What a lane needs of a consumed message, whichever client consumed it."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    topic: str


PoisonHandler = Callable[[Message, Exception], Awaitable[None]]
MakeDispatcher = Callable[[str], Dispatcher]


def lane_name(source: str, partition: int) -> str:
    """The checkpoint source of a partition's lane, e.g. ``order#3``."""
    return f"{source}#{partition}"


@dataclass
class Lane:
    dispatcher: Dispatcher
    last: int
    """The highest source position handed to the dispatcher (messages at or below: skipped)."""
    next_offset: int | None = None
    """The offset expected next: after the last message whose effects are stored (to commit
    to Kafka), or the committed offset the lane was assigned at (None: not known)."""
    behind: tuple[int, float] | None = None
    """The next offset at which the lane was first seen short of the partition's end, and
    when (``time.monotonic``); None while it is at the end."""


class Lanes:
    """The lanes of ``source`` in this process, made on assignment and dropped on revocation."""

    def __init__(self, source: str, make: MakeDispatcher, on_poison: PoisonHandler) -> None:
        self.source = source
        self.make = make
        self.on_poison = on_poison
        self.lanes: dict[int, Lane] = {}
        self._making = asyncio.Lock()
        self.received = 0
        self.applied = 0
        self.skipped = 0
        self.missing: dict[int, int] = {}
        """Partitions whose messages skipped some offsets, each with the offset to read again
        from (the member seeks there, then clears it)."""

    async def assign(
        self, partitions: Iterable[int], starts: Mapping[int, int] | None = None
    ) -> None:
        """Take up the partitions' stored checkpoints (already held lanes stay as they are);
        ``starts``: the committed offsets they were assigned at, where known."""
        async with self._making:
            new = [p for p in partitions if p not in self.lanes]
            made = {p: self.make(lane_name(self.source, p)) for p in new}
            await asyncio.gather(*(d.load() for d in made.values()))
            for partition, dispatcher in made.items():
                start = (starts or {}).get(partition)
                self.lanes[partition] = Lane(dispatcher, dispatcher.position, start)
        if new:
            positions = {p: self.lanes[p].last for p in sorted(new)}
            log.info("partitions assigned", source=self.source, positions=positions)

    def revoke(self, partitions: Iterable[int]) -> None:
        for partition in partitions:
            self.missing.pop(partition, None)
        gone = [p for p in partitions if self.lanes.pop(p, None) is not None]
        if gone:
            log.info("partitions revoked", source=self.source, partitions=sorted(gone))

    async def dispatch(self, batches: Mapping[int, Sequence[Message]]) -> dict[int, int]:
        """Hand each partition's messages to its lane, lanes side by side (their units share
        the writer's commits); returns the offsets now safe to commit, by partition.

        ``batches`` must hold only partitions assigned to this member. A client may hand over
        messages before its assignment callback has made their lanes: they are made here first
        (dropping those messages would lose them, the client's position having moved on)."""
        missing = [p for p, m in batches.items() if m and p not in self.lanes]
        if missing:
            await self.assign(missing)
        held = {p: (self.lanes[p], m) for p, m in batches.items() if m}
        await asyncio.gather(*(self._dispatch(lane, m) for lane, m in held.values()))
        return {
            p: lane.next_offset for p, (lane, _) in held.items() if lane.next_offset is not None
        }

    async def _dispatch(self, lane: Lane, messages: Sequence[Message]) -> None:
        records: list[RecordedEvent] = []
        for message in messages:
            self.received += 1
            expected = lane.next_offset
            if expected is not None and message.offset != expected:
                if message.offset < expected:  # read again (after a seek): handled already
                    self.skipped += 1
                    continue
                if self.missing.get(message.partition) != expected:
                    log.warning(
                        "messages missing: reading the partition again",
                        source=self.source,
                        partition=message.partition,
                        expected=expected,
                        got=message.offset,
                    )
                self.missing[message.partition] = expected
                break
            lane.next_offset = message.offset + 1
            try:
                record = decode(message.value)
            except Exception as error:
                log.warning(
                    "poison message",
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    error=repr(error),
                )
                await self.on_poison(message, error)
                continue
            if record.position <= lane.last:
                self.skipped += 1
                log.info(
                    "redelivered message skipped",
                    source=self.source,
                    partition=message.partition,
                    offset=message.offset,
                    position=record.position,
                )
                continue
            lane.last = record.position
            records.append(record)
        if records:
            await lane.dispatcher.dispatch(records)
            self.applied += len(records)

    def stalled(self, highwaters: Mapping[int, int | None], stall_s: float) -> dict[int, int]:
        """Partitions whose lane has expected the same offset for ``stall_s`` while the
        partition held messages past it (``highwaters``: each one's end as the client last saw
        it): the offset to read again from. A message the client dropped at a partition's end
        is not followed by one that shows the gap. Called periodically: the first call that
        sees a lane short of the end starts its clock."""
        now = time.monotonic()
        stalled: dict[int, int] = {}
        for partition, lane in self.lanes.items():
            expected = lane.next_offset
            if expected is None or (highwaters.get(partition) or 0) <= expected:
                lane.behind = None
            elif lane.behind is None or lane.behind[0] != expected:
                lane.behind = (expected, now)
            elif now - lane.behind[1] >= stall_s:
                stalled[partition] = expected
        return stalled

    def positions(self) -> dict[int, int]:
        """Each held partition's position (how far every handler of its lane is)."""
        return {p: lane.dispatcher.position for p, lane in sorted(self.lanes.items())}
