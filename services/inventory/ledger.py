"""Loads the streams a command touches, decides, and appends to all of them atomically.

Every stream read is appended with its expected version (an empty append is a version check),
so two decisions that saw the same stock cannot both commit: the loser reloads and decides again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from services.inventory.domain import Command, ReserveStock, World, decide, stream_for
from services.inventory.domain.commands import order_of, skus_of, warehouse_of
from services.inventory.domain.state import (
    OrderReservation,
    SkuState,
    evolve_order,
    evolve_sku,
)
from shared.events.base import DomainEvent
from shared.events.values import OrderType
from shared.eventstore.port import (
    AppendResult,
    DuplicateEventId,
    EventStore,
    StreamAppend,
    WrongExpectedVersion,
)
from shared.service.codec import to_envelope, to_new_event
from shared.service.context import CommandContext
from shared.service.repository import (
    CommandResult,
    forget_on_rollback,
    generation_of,
    in_unit_of_work,
)


def _latest(_state: Any, event: Any) -> Any:
    return event


_FOLDS: dict[str, Callable[[Any, Any], Any]] = {
    "stock": evolve_sku,
    "reservation": evolve_order,
    "warehouse": _latest,
}


@dataclass(frozen=True)
class _Part:
    state: Any
    version: int
    generation: int | None = None


WarehouseDirectory = Callable[[UUID], Awaitable[Iterable[UUID]]]
"""A supplier's warehouse ids (no stream lists them, so a read model answers)."""


async def _no_directory(_supplier_id: UUID) -> Iterable[UUID]:
    return ()


class StockLedger:
    """The inventory's unit of work over ``warehouse-``, ``stock-`` and ``reservation-`` streams."""

    def __init__(
        self,
        store: EventStore,
        *,
        conflict_retries: int = 200,
        warehouses_of: WarehouseDirectory = _no_directory,
    ) -> None:
        self.store = store
        self.conflict_retries = conflict_retries
        self.warehouses_of = warehouses_of
        self._parts: dict[str, _Part] = {}

    async def _load(self, stream_id: str, initial: Any, fold: Callable[[Any, Any], Any]) -> _Part:
        generation = generation_of(self.store)
        part = self._parts.get(stream_id)
        if part is not None and generation is not None and part.generation == generation:
            return part  # this process wrote every event since: nothing newer to read
        part = part or _Part(initial, 0)
        records = await self.store.read_stream(stream_id, from_version=part.version + 1)
        state, version = part.state, part.version
        for record in records:
            state = fold(state, to_envelope(record).event)
            version = record.stream_version
        loaded = _Part(state, version, generation)
        self._parts[stream_id] = loaded
        forget_on_rollback(self._parts, stream_id)
        return loaded

    async def load(self, command: Command) -> tuple[World, dict[str, int]]:
        """The world a command sees, and the version of every stream it was read from."""
        versions: dict[str, int] = {}
        orders: dict[UUID, OrderReservation] = {}
        order_id = order_of(command)
        held: set[str] = set()
        if order_id is not None:
            part = await self._load(
                f"reservation-{order_id}", OrderReservation(), _FOLDS["reservation"]
            )
            orders[order_id], versions[f"reservation-{order_id}"] = part.state, part.version
            held = {p.sku for p in part.state.placements.values()}
        skus: dict[str, SkuState] = {}
        # A release touches the SKUs the order holds, which the command itself does not name.
        for sku in sorted(set(skus_of(command)) | held):
            part = await self._load(f"stock-{sku}", SkuState(), _FOLDS["stock"])
            skus[sku], versions[f"stock-{sku}"] = part.state, part.version
        ids = {wh for state in skus.values() for wh in state.balances}
        if isinstance(command, ReserveStock) and command.order_type is OrderType.PRESALE:
            # A presale order may be for goods no warehouse has held yet: it waits at one of
            # the supplier's warehouses, whichever holds stock.
            ids.update(await self.warehouses_of(command.supplier_id))
        wanted = warehouse_of(command)
        if wanted is not None:
            ids.add(wanted)
        warehouses = {}
        for warehouse_id in sorted(ids, key=str):
            part = await self._load(f"warehouse-{warehouse_id}", None, _latest)
            if part.state is not None:
                warehouses[warehouse_id] = part.state
            if warehouse_id == wanted:
                versions[f"warehouse-{warehouse_id}"] = part.version
        return World(warehouses=warehouses, skus=skus, orders=orders), versions

    async def handle(
        self,
        command: Command,
        context: CommandContext,
        stream_id: str,
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Decide and append atomically in one unit of work (commands of this process take turns
        there); retry on another process's concurrent write (reactions are idempotent)."""
        return await in_unit_of_work(
            self.store, lambda: self._handle(command, context, stream_id, expected_version)
        )

    async def _handle(
        self,
        command: Command,
        context: CommandContext,
        stream_id: str,
        expected_version: int | None,
    ) -> CommandResult:
        for attempt in range(self.conflict_retries + 1):
            world, versions = await self.load(command)
            actual = versions.get(stream_id, 0)
            if expected_version is not None and actual != expected_version:
                raise WrongExpectedVersion(stream_id, expected_version, actual)
            now = context.now()
            events = list(decide(command, world, now))
            if not events:
                return CommandResult(
                    stream_id, [], versions.get(stream_id, 0), await self.store.head_position()
                )
            appends = self._appends(events, versions, context, now)
            try:
                results = await self.store.append_many(appends)
            except WrongExpectedVersion:
                for append in appends:
                    self._parts.pop(append.stream_id, None)
                if expected_version is not None or attempt == self.conflict_retries:
                    raise
                continue
            except DuplicateEventId:
                # A redelivered cause whose reaction is stored (ids are deterministic).
                if not context.is_reaction:
                    raise
                for append in appends:
                    self._parts.pop(append.stream_id, None)
                return CommandResult(stream_id, [], 0, 0, already_applied=True)
            written = [r for r, a in zip(results, appends, strict=True) if a.events]
            if all(r.already_stored for r in written):
                events = []
            self._remember(events, written)
            mine = next((r for r in results if r.stream_id == stream_id), None)
            position = max(r.position for r in written)
            return CommandResult(stream_id, events, mine.stream_version if mine else 0, position)
        raise AssertionError("unreachable")  # pragma: no cover

    def _remember(self, events: list[DomainEvent], written: list[AppendResult]) -> None:
        """Fold what was just appended into the cached parts, or forget them if unsure."""
        for result in written:
            cached = self._parts.pop(result.stream_id, None)
            mine = [e for e in events if stream_for(e) == result.stream_id]
            if cached is None or not mine or cached.version + len(mine) != result.stream_version:
                continue
            fold = _FOLDS[result.stream_id.split("-", 1)[0]]
            state = cached.state
            for event in mine:
                state = fold(state, event)
            generation = generation_of(self.store)
            self._parts[result.stream_id] = _Part(state, result.stream_version, generation)
            forget_on_rollback(self._parts, result.stream_id)

    @staticmethod
    def _appends(
        events: list[DomainEvent], versions: dict[str, int], context: CommandContext, now: Any
    ) -> list[StreamAppend]:
        grouped: dict[str, list[Any]] = defaultdict(list)
        for index, event in enumerate(events):
            grouped[stream_for(event)].append(
                to_new_event(
                    event,
                    event_id=context.event_id(index),
                    occurred_at=now,
                    correlation_id=context.correlation_id,
                    causation_id=context.causation_id,
                    actor=context.actor,
                )
            )
        streams = sorted(set(versions) | set(grouped))
        return [StreamAppend(s, grouped.get(s, []), versions.get(s, 0)) for s in streams]
