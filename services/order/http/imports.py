"""Importing buyer companies (operations): each row registers one buyer. A row naming a
registered buyer with the same facts changes nothing; with other facts it is refused."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import select

from shared.events.order import BuyerRegistered
from shared.events.values import Code, Email, LanguageTag, Text
from shared.service.auth.access import OPS
from shared.service.auth.actor import Actor
from shared.service.context import CommandContext
from shared.service.imports import ImportKind, Imports, Parsed, RowError, RowModel

from ..domain.parties import RegisterBuyer
from .deps import OrderDeps

_IMPORTED = uuid.UUID("6f1c3a52-8d0e-4b7a-9a53-0d6b0f6f4e21")
"""Namespace of the ids given to imported buyers that came without one."""
_FACTS = ("name", "tier", "delivery_region", "tax_id", "contact_email", "language")


class BuyerRow(RowModel):
    buyer_id: UUID | None = None
    name: Text
    tier: Code
    delivery_region: Code
    tax_id: Text | None = None
    contact_email: Email | None = None
    language: LanguageTag | None = None


class BuyerImporter:
    def __init__(self, deps: OrderDeps, actor: Actor, job_id: str) -> None:
        self.deps = deps
        self.context = CommandContext(actor=str(actor))
        self.job_id = job_id
        self.seen: set[UUID] = set()
        self.waited = False

    def buyer_id(self, number: int, row: BuyerRow) -> UUID:
        """The row's id, or one derived from the job and row: the same on a second run."""
        return row.buyer_id or uuid.uuid5(_IMPORTED, f"{self.job_id}:{number}")

    async def check(self, rows: Sequence[Parsed]) -> list[RowError]:
        if not self.waited:
            head = await self.deps.context.store.head_position()
            await self.deps.context.positions.wait_for(
                self.deps.parties.name, "order", head, timeout=30.0
            )
            self.waited = True
        errors = []
        named = {row.buyer_id: number for number, row in rows if row.buyer_id is not None}
        known = await self._registered(set(named))
        for number, row in rows:
            if row.buyer_id is None:
                continue
            if row.buyer_id in self.seen:
                errors.append(RowError(number, "buyer_id", "this buyer appears earlier"))
            self.seen.add(row.buyer_id)
            facts = known.get(str(row.buyer_id))
            if facts is not None and any(facts[k] != getattr(row, k) for k in _FACTS):
                reason = "this buyer is registered with other facts (buyers are not updated)"
                errors.append(RowError(number, "buyer_id", reason))
        return errors

    async def _registered(self, ids: set[UUID]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        t = self.deps.parties.buyers
        query = select(t).where(t.c.buyer_id.in_([str(i) for i in ids]))
        async with self.deps.context.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return {r["buyer_id"]: dict(r) for r in rows}

    async def apply(self, rows: Sequence[Parsed]) -> int:
        for number, row in rows:
            buyer_id = self.buyer_id(number, row)
            if (await self.deps.buyers.load(buyer_id)).state.registered:
                continue  # the same facts (checked), or a second run of this job
            event = BuyerRegistered(
                buyer_id=buyer_id, **row.model_dump(include=set(_FACTS), exclude_none=True)
            )
            await self.deps.buyers.handle(buyer_id, RegisterBuyer(event), self.context)
        return len(rows)

    async def finish(self) -> int:
        return 0


def order_imports(deps: OrderDeps) -> Imports:
    kind = ImportKind(
        roles=(OPS,),
        name="buyers",
        summary="Register buyer companies (an id is given to rows without buyer_id).",
        row_model=BuyerRow,
        start=lambda actor, job_id: BuyerImporter(deps, actor, job_id),
    )
    return Imports(deps.context.engine, [kind])
