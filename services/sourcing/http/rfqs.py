"""RFQ commands: a buyer issues, awards or cancels; an invited supplier quotes, revises or
declines (If-Match, Idempotency-Key)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter

from shared.events.base import Money
from shared.events.envelope import new_event_id
from shared.events.sourcing import QuotedLine, RfqLine
from shared.service.auth.access import BUYER, OPS, SUPPLIER
from shared.service.edge import Accepted, Call, Edge, command
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

from ..domain.award import whole
from ..domain.commands import (
    AwardRfq,
    CancelRfq,
    Catalog,
    DeclineRfq,
    IssueRfq,
    LineChoice,
    RfqCommand,
    SubmitQuote,
)
from ..domain.state import RfqState
from .access import check_acts_for, check_own_company, check_sees_rfq
from .answers import RfqAwardAccepted
from .deps import SourcingDeps
from .models import AwardIn, CancelIn, DeclineIn, QuoteIn, QuoteLineIn, RfqIn

RFQ_IDS = uuid.UUID("3c5d9a41-7e2b-5f08-b6c4-0a9e1d7f2c63")
"""Namespace of RFQ ids derived from (buyer, Idempotency-Key): fixed for ever."""


def quoted_lines(lines: tuple[QuoteLineIn, ...]) -> tuple[QuotedLine, ...]:
    return tuple(QuotedLine(**line.model_dump()) for line in lines)


class RfqCommands:
    """What buyers and invited suppliers do to a request for quotation."""

    def __init__(self, deps: SourcingDeps) -> None:
        self.deps = deps
        self.engine = deps.context.engine

    async def decide(self, call: Call, rfq_id: UUID, sent: RfqCommand) -> Accepted:
        result = await self.deps.rfqs.handle(
            rfq_id, sent, call.context(rfq_id), expected_version=call.expected_version
        )
        return Accepted(rfq_id, result)

    async def visible(self, call: Call, rfq_id: UUID) -> RfqState:
        state = (await self.deps.rfqs.load(rfq_id)).state
        check_sees_rfq(call.actor, state, rfq_id)
        return state

    async def catalog(self, supplier_id: UUID, skus: set[str]) -> Catalog:
        return await self.deps.products.catalog(self.engine, supplier_id, skus)

    @command("POST", "/rfqs", roles=(BUYER, OPS), status=201)
    async def issue_rfq(self, call: Call, body: StrictJson[RfqIn]) -> Accepted:
        """A buyer asks suppliers for prices: lines, quantities, needed-by dates, a deadline."""
        check_own_company(call.actor, BUYER, body.buyer_id, "buyer_id")
        buyers = await self.deps.parties.find(self.engine, "buyer", [body.buyer_id])
        buyer = buyers.get(body.buyer_id)
        if buyer is None:
            raise Problem(422, "Unknown buyer", f"no buyer {body.buyer_id}", field="buyer_id")
        if len(set(body.suppliers)) != len(body.suppliers):
            raise Problem(422, "Invalid request", "invite each supplier once", field="suppliers")
        found = await self.deps.parties.find(self.engine, "supplier", body.suppliers)
        lines = tuple(
            RfqLine(line_no=line.line_no or index + 1, **line.model_dump(exclude={"line_no"}))
            for index, line in enumerate(body.lines)
        )
        if len({line.line_no for line in lines}) != len(lines):
            raise Problem(422, "Invalid request", "each line number once", field="lines")
        rfq_id = uuid.uuid5(RFQ_IDS, f"{body.buyer_id}:{call.key}") if call.key else new_event_id()
        issue = IssueRfq(
            rfq_id=rfq_id,
            buyer_id=body.buyer_id,
            title=body.title,
            currency=body.currency,
            lines=lines,
            suppliers=body.suppliers,
            deadline=body.deadline,
            delivery_region=body.delivery_region or buyer["delivery_region"] or "default",
            supplier_currencies={s: row["currency"] for s, row in found.items()},
            delivery_address_id=body.delivery_address_id,
            note=body.note,
        )
        result = await self.deps.rfqs.handle(rfq_id, issue, call.context(rfq_id))
        return Accepted(rfq_id, result)

    @command("POST", "/rfqs/{rfq_id}/quotes/{supplier_id}", roles=(SUPPLIER, OPS), versioned=True)
    async def submit_quote(
        self, call: Call, rfq_id: UUID, supplier_id: UUID, body: StrictJson[QuoteIn]
    ) -> Accepted:
        """An invited supplier quotes the RFQ before its deadline, or revises its quote (the
        whole quote again); a late answer is refused (409 DeadlinePassed)."""
        check_acts_for(call.actor, supplier_id, rfq_id)
        state = await self.visible(call, rfq_id)
        lines = quoted_lines(body.lines)
        charge = body.delivery_charge or Money(amount=Decimal(0), currency=state.currency)
        submit = SubmitQuote(
            supplier_id=supplier_id,
            lines=lines,
            delivery_charge=charge,
            valid_until=body.valid_until,
            catalog=await self.catalog(supplier_id, {line.sku for line in lines}),
            note=body.note,
        )
        return await self.decide(call, rfq_id, submit)

    @command(
        "POST",
        "/rfqs/{rfq_id}/quotes/{supplier_id}/decline",
        roles=(SUPPLIER, OPS),
        versioned=True,
    )
    async def decline_rfq(
        self, call: Call, rfq_id: UUID, supplier_id: UUID, body: StrictJson[DeclineIn]
    ) -> Accepted:
        """An invited supplier will not quote (a quote it gave is withdrawn)."""
        check_acts_for(call.actor, supplier_id, rfq_id)
        await self.visible(call, rfq_id)
        return await self.decide(call, rfq_id, DeclineRfq(supplier_id, body.reason))

    @command(
        "POST",
        "/rfqs/{rfq_id}/award",
        roles=(BUYER, OPS),
        versioned=True,
        answer=RfqAwardAccepted,
    )
    async def award_rfq(self, call: Call, rfq_id: UUID, body: StrictJson[AwardIn]) -> Accepted:
        """The buyer awards the whole RFQ to one supplier (``supplier_id``) or line by line
        (``lines``); each supplier's lines become one order at its quoted prices."""
        state = await self.visible(call, rfq_id)
        if (body.supplier_id is None) == (body.lines is None):
            detail = "give either supplier_id (the whole RFQ) or lines (line by line)"
            raise Problem(422, "Invalid request", detail, field="lines")
        if body.supplier_id is not None:
            choices = whole(state, body.supplier_id)
            if not choices:
                detail = "this supplier has no current quote to award"
                raise Problem(422, "InvalidAward", detail, field="supplier_id")
        else:
            choices = tuple(LineChoice(c.line_no, c.supplier_id) for c in body.lines or ())
        catalogs = {}
        for supplier_id in {choice.supplier_id for choice in choices}:
            quote = state.quotes.get(supplier_id)
            skus = {line.sku for line in quote.lines} if quote else set()
            catalogs[supplier_id] = await self.catalog(supplier_id, skus)
        accepted = await self.decide(call, rfq_id, AwardRfq(choices, catalogs))
        orders = [
            {"supplier_id": str(award.supplier_id), "order_id": str(award.order_id)}
            for event in accepted.result.events
            for award in getattr(event, "awards", ())
        ]
        return Accepted(rfq_id, accepted.result, {"orders": orders})

    @command("POST", "/rfqs/{rfq_id}/cancel", roles=(BUYER, OPS), versioned=True)
    async def cancel_rfq(self, call: Call, rfq_id: UUID, body: StrictJson[CancelIn]) -> Accepted:
        """The buyer calls the RFQ off before awarding it."""
        await self.visible(call, rfq_id)
        return await self.decide(call, rfq_id, CancelRfq(body.reason))


def rfq_routes(deps: SourcingDeps) -> APIRouter:
    edge = Edge("sourcing", deps.context.idempotency, prefix="", tags=["rfqs"])
    return edge.include(RfqCommands(deps))
