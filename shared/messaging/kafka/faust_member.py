"""One member of a service's consumer group on one source topic, as a Faust app: its agent
takes batches of events (``take_events``, or :func:`ready_batches` when ``within_s`` is 0) and
hands them to the partitions' lanes (see :mod:`lanes`), ``at_least_once``, no Tables, never
``exactly_once`` (its transactions corrupted Table changelogs under kill -9 here:
docs/distributed.md).

The member commits the offsets itself, every ``commit_interval_s`` and before it gives
partitions up: per partition, the offset after the last message whose effects its lane stored.
Faust's own bookkeeping (the offsets its streams acknowledged, committed up to the first one
missing) is off for the topic: after rebalances it sometimes kept a partition's commit a few
messages short for good (a group's lag stuck at 2 in CI while every effect was stored), and the
lanes know exactly how far each partition's effects are.

Chosen over a plain aiokafka member by the bake-off in docs/distributed.md. The app's id is the
group id (``<service><<source>``); its data directory (Faust keeps one even without Tables) is
under the temporary directory, never the working directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any

import faust
import structlog
from faust.types import TP

from shared.messaging.kafka.admin import beginning_offsets, committed_offsets
from shared.messaging.kafka.lanes import Lanes, Message
from shared.messaging.kafka.security import PLAINTEXT, KafkaSecurity, faust_credentials

log = structlog.get_logger(__name__)

STALL_S = 0.5
"""A partition whose lane has expected the same offset this long while the partition holds
messages past it, and while the agent waits with nothing in hand (``IDLE_S``), is read again
from that offset: its message was dropped on the way. Each such wait is a hop of some order's
path, so it is kept short; a false alarm costs one partition's re-fetch."""
IDLE_S = 0.3
"""How long the agent must have waited for a batch before a lane short of its partition's end
counts as stalled (a busy agent explains a lane that waits behind it; an idle one does not)."""
WATCH_S = 0.25
RESEEK_S = 2.0
SEEK_TIMEOUT_S = 10.0


class FaustMember:
    """Consumes ``topic`` for ``lanes`` until cancelled."""

    def __init__(
        self,
        group_id: str,
        bootstrap_servers: str,
        topic: str,
        lanes: Lanes,
        *,
        session_timeout_s: float,
        heartbeat_interval_s: float,
        max_poll_interval_s: float,
        commit_interval_s: float = 1.0,
        max_batch: int = 500,
        within_s: float = 0.05,
        security: KafkaSecurity = PLAINTEXT,
    ) -> None:
        self.topic = topic
        self.lanes = lanes
        self.stored: dict[int, int] = {}
        """Per partition, the offset after the last message whose effects are stored."""
        self.committed: dict[int, int] = {}
        """Per partition, the offset this member last committed."""
        self.commit_interval_s = commit_interval_s
        self.bootstrap_servers = bootstrap_servers
        self.group_id = group_id
        self.security = security
        self._sought: dict[int, tuple[int, float]] = {}
        self._seeking: set[asyncio.Task[None]] = set()
        """Per partition, the last offset sought back to and when."""
        self._waiting_since: float | None = None
        """Since when the agent waits for its next batch (None: a batch in hand)."""
        self.max_batch = max_batch
        self.within_s = within_s
        """``take_events``' wait after each batch; 0: :func:`ready_batches` (no wait)."""
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in group_id)
        self.datadir = Path(tempfile.gettempdir()) / "b2b-faust" / f"{safe}-{os.getpid()}"
        self.datadir.mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
        self.app = faust.App(
            group_id,
            broker=f"kafka://{bootstrap_servers.replace(',', ';kafka://')}",
            broker_credentials=faust_credentials(security),
            datadir=str(self.datadir),
            processing_guarantee="at_least_once",
            broker_session_timeout=session_timeout_s,
            broker_heartbeat_interval=heartbeat_interval_s,
            broker_max_poll_interval=max_poll_interval_s,
            broker_commit_interval=commit_interval_s,
            broker_commit_every=max_batch,
            consumer_auto_offset_reset="earliest",
            topic_allow_declare=False,  # the node creates its topics with their partitions
            topic_disable_leader=True,
            web_enabled=False,
            autodiscover=False,
            store="memory://",
            key_serializer="raw",
            value_serializer="raw",
        )
        source = self.app.topic(
            topic,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            acks=False,  # the member commits what its lanes stored (see the module's note)
        )
        self.app.agent(source, name=f"{group_id}.hand_over")(self._hand_over)
        self.app.on_partitions_revoked.connect(self._revoked)
        self.app.on_partitions_assigned.connect(self._assigned)

    async def _hand_over(self, stream: Any) -> None:
        try:
            taken: AsyncIterator[Any]
            if self.within_s > 0:
                taken = stream.take_events(self.max_batch, within=self.within_s)
            else:
                taken = ready_batches(stream, self.max_batch)
            self._waiting_since = time.monotonic()
            async for events in taken:
                self._waiting_since = None
                batches: dict[int, list[Message]] = {}
                for event in events:
                    m = event.message
                    batches.setdefault(m.partition, []).append(
                        Message(m.partition, m.offset, m.key, m.value, m.topic)
                    )
                self.stored.update(await self.lanes.dispatch(batches))
                # A batch taken before a rebalance may hold partitions given up since: their
                # lanes (made for it) go, their next holder reads from the committed offset.
                held = self._held()
                if held is not None and not held.issuperset(batches):
                    self._forget(set(batches) - held)
                if self.lanes.missing:
                    missing, self.lanes.missing = self.lanes.missing, {}
                    self._read_again(missing)
                self._waiting_since = time.monotonic()
        except asyncio.CancelledError:
            raise
        except Exception:
            # Faust would restart the agent and never see the unacknowledged events again in
            # this session: stop the process, its supervisor starts over from the checkpoints.
            log.exception("faust agent failed; stopping the service", topic=self.topic)
            os.kill(os.getpid(), signal.SIGTERM)
            raise

    async def commit(self, partitions: Iterable[int] | None = None) -> None:
        """Commit the stored offsets that moved since the last commit (of ``partitions``, or
        of every partition held)."""
        chosen = list(self.stored if partitions is None else partitions)
        # Only partitions still assigned (one gone in a rebalance is committed by its next
        # holder, whose lane skips what is stored); Faust's consumer stops the app on a commit
        # without any assignment.
        held = self._held() or set()
        due = {
            p: self.stored[p]
            for p in chosen
            if p in held and p in self.stored and self.stored[p] != self.committed.get(p)
        }
        consumer: Any = self.app.consumer  # ``_commit``: offsets given, not acknowledged ones
        if due and await consumer._commit({TP(self.topic, p): o for p, o in due.items()}):
            self.committed.update(due)

    def fetching(self) -> dict[str, Any]:
        """What Faust's consumer says of the topic: the last offset it read of each partition
        and the partitions it holds paused (for /health: a partition whose lag does not move)."""
        consumer: Any = self.app.consumer
        read: dict[Any, int | None] = getattr(consumer, "_read_offset", {})
        paused: set[Any] = getattr(consumer, "_paused_partitions", set())
        return {
            "read_offsets": {
                tp.partition: o for tp, o in sorted(read.items()) if tp.topic == self.topic
            },
            "paused": sorted(tp.partition for tp in paused if tp.topic == self.topic),
        }

    def _read_again(self, offsets: Mapping[int, int]) -> None:
        """Seek the partitions back to the offsets their lanes expect, in the background (a
        seek waits for the broker, which may be away; the agent and the commits go on). Once
        per ``RESEEK_S`` for the same offset: messages fetched before a seek still come."""
        now = time.monotonic()
        for partition, offset in offsets.items():
            last = self._sought.get(partition)
            if last is not None and last[0] == offset and now - last[1] < RESEEK_S:
                continue
            self._sought[partition] = (offset, now)
            log.warning(
                "seeking back to the next offset the lane expects",
                topic=self.topic,
                partition=partition,
                offset=offset,
            )
            task = asyncio.create_task(self._seek(partition, offset))
            self._seeking.add(task)
            task.add_done_callback(self._seeking.discard)

    async def _seek(self, partition: int, offset: int) -> None:
        try:
            await asyncio.wait_for(
                self.app.consumer.seek_wait({TP(self.topic, partition): offset}), SEEK_TIMEOUT_S
            )
        except Exception as error:  # not assigned any more (its next holder reads it), or away
            log.warning("seek failed", topic=self.topic, partition=partition, error=repr(error))

    def _held(self) -> set[int] | None:
        """The partitions of the topic assigned to this member now (None: the consumer cannot
        say, e.g. not started)."""
        try:
            assigned = self.app.consumer.assignment()
        except Exception:
            return None
        return {tp.partition for tp in assigned if tp.topic == self.topic}

    def _highwaters(self) -> dict[int, int | None]:
        """Each held partition's end, as the consumer last saw it."""
        consumer: Any = self.app.consumer
        highwaters: dict[int, int | None] = {}
        for partition in (self._held() or set()) & set(self.lanes.lanes):
            try:
                highwaters[partition] = consumer.highwater(TP(self.topic, partition))
            except AssertionError:  # revoked meanwhile
                continue
        return highwaters

    def _stalled(self) -> dict[int, int]:
        highwaters = self._highwaters()
        stalled = self.lanes.stalled(highwaters, STALL_S)
        waiting = self._waiting_since
        if waiting is None or time.monotonic() - waiting < IDLE_S:
            return {}
        if stalled:
            log.warning(
                "partitions stalled: their last messages never reached the lanes",
                topic=self.topic,
                expected=stalled,
                highwaters={p: highwaters[p] for p in stalled},
            )
        return stalled

    async def _watching(self) -> None:
        while True:
            await asyncio.sleep(WATCH_S)
            try:
                self._read_again(self._stalled())
            except Exception as error:  # the next round looks again
                log.warning("stall check failed", topic=self.topic, error=repr(error))

    async def _committing(self) -> None:
        while True:
            await asyncio.sleep(self.commit_interval_s)
            try:
                await self.commit()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the next round tries again
                log.warning("offset commit failed", topic=self.topic, error=repr(error))

    async def _revoked(self, app: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        revoked = args[0] if args else kwargs.get("revoked", ())
        gone = [tp.partition for tp in revoked if tp.topic == self.topic]
        # Faust has waited for the batch in hand: what it stored is committed before the
        # partitions go, so their next holder starts after it.
        try:
            await self.commit(gone)
        except Exception as error:
            log.warning("offset commit on revocation failed", topic=self.topic, error=repr(error))
        self._forget(gone)

    def _forget(self, partitions: Iterable[int]) -> None:
        partitions = list(partitions)
        self.lanes.revoke(partitions)
        for partition in partitions:
            self.stored.pop(partition, None)
            self.committed.pop(partition, None)
            self._sought.pop(partition, None)

    async def _assigned(self, app: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        assigned = args[0] if args else kwargs.get("assigned", ())
        mine = [tp.partition for tp in assigned if tp.topic == self.topic]
        await self.lanes.assign(mine, await self._starts())

    async def _starts(self) -> dict[int, int]:
        """Where each partition's reading starts, as the consumer does it: the committed offset,
        else the first one held (``auto_offset_reset`` earliest). A lane checks its first
        message against it: a partition whose only messages came during a rebalance had them
        dropped by Faust and, never committed, never read again."""
        try:
            committed, first = await asyncio.gather(
                committed_offsets(
                    self.bootstrap_servers, self.group_id, self.topic, security=self.security
                ),
                beginning_offsets(self.bootstrap_servers, self.topic, security=self.security),
            )
        except Exception as error:
            log.warning("starting offsets unknown", topic=self.topic, error=repr(error))
            return {}
        # A committed offset below the first one held (retention took what a long-stopped
        # group had not read) is not where the consumer starts: it resets to the first.
        return {p: max(committed.get(p, offset), offset) for p, offset in first.items()}

    async def run(self) -> None:
        await self.app.start()
        committing = asyncio.create_task(self._committing(), name=f"{self.topic}-commits")
        watching = asyncio.create_task(self._watching(), name=f"{self.topic}-stalls")
        try:
            await asyncio.Event().wait()
        finally:
            for task in (committing, watching, *self._seeking):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(committing, watching, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self.commit()
            await self.app.stop()
            shutil.rmtree(self.datadir, ignore_errors=True)


async def ready_batches(stream: Any, max_batch: int) -> AsyncIterator[list[Any]]:
    """The stream's events in batches of whatever arrived while the caller handled the last
    batch (at most ``max_batch``), handed over as soon as the caller asks; a batch's events are
    acknowledged when the caller asks for the next one, i.e. once their effects are stored.

    Faust's ``take_events(n, within)`` waits ``within`` after every batch even when events are
    already waiting (only ``n`` of them cut the wait short): an order's path crosses a topic at
    six or more hops, and each paid that wait, plus the wait behind the batch in hand. As in
    ``take_events``, a task of its own drains the stream, so that a batch is never held back
    for an event that may not come (a rebalance waits until every delivered event is
    acknowledged, after Faust has emptied the stream's queue).

    Not the default: at a load the machine carries it halved place → confirmed, but on a
    machine already saturated the consumers that answer sooner make more, smaller
    transactions, whose CPU the busiest service's writer then lacks (docs/distributed.md).
    """
    stream.enable_acks = False
    ready: list[Any] = []
    arrived = asyncio.Event()
    room = asyncio.Event()
    room.set()

    async def drain() -> None:
        try:
            async for event in stream.events():
                ready.append(event)
                arrived.set()
                if len(ready) >= max_batch:
                    room.clear()
                    await room.wait()
        finally:
            arrived.set()  # the taker sees the end (or the error) at once

    draining = asyncio.create_task(drain(), name="faust-stream-drain")
    try:
        while True:
            if not ready:
                if draining.done():
                    await draining  # the drainer's error, if it failed
                    return
                arrived.clear()
                await arrived.wait()
                continue
            batch = ready.copy()
            ready.clear()
            room.set()
            yield batch
            for event in batch:
                await stream.ack(event)
    finally:
        draining.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await draining
