"""Offered quotes: a supplier offers one buyer a quote on its own; the buyer accepts it into an
order within its validity, or declines it (If-Match, Idempotency-Key)."""

from __future__ import annotations

import uuid
from uuid import UUID

from fastapi import APIRouter

from shared.events.envelope import new_event_id
from shared.service.auth.access import BUYER, OPS, SUPPLIER
from shared.service.edge import Accepted, Call, Edge, command
from shared.service.strict_json import StrictJson

from ..domain.commands import AcceptQuote, DeclineQuote, OfferCommand, OfferQuote
from ..domain.offer import accepted_order_id
from ..domain.state import OfferState
from .access import check_own_company, check_sees_offer
from .answers import QuoteAcceptedAnswer
from .deps import SourcingDeps
from .models import AcceptIn, DeclineIn, OfferIn
from .rfqs import quoted_lines

QUOTE_IDS = uuid.UUID("9e2f4b71-0c3d-5a86-8f1e-6b7d2c4a9e05")
"""Namespace of offered quote ids derived from (supplier, Idempotency-Key): fixed for ever."""


class OfferCommands:
    """What a supplier offers and a buyer answers."""

    def __init__(self, deps: SourcingDeps) -> None:
        self.deps = deps
        self.engine = deps.context.engine

    async def visible(self, call: Call, quote_id: UUID) -> OfferState:
        state = (await self.deps.offers.load(quote_id)).state
        check_sees_offer(call.actor, state, quote_id)
        return state

    async def decide(self, call: Call, quote_id: UUID, sent: OfferCommand) -> Accepted:
        result = await self.deps.offers.handle(
            quote_id, sent, call.context(quote_id), expected_version=call.expected_version
        )
        return Accepted(quote_id, result)

    @command("POST", "/offers", roles=(SUPPLIER, OPS), status=201)
    async def offer_quote(self, call: Call, body: StrictJson[OfferIn]) -> Accepted:
        """A supplier offers one buyer prices for its SKUs (a negotiated deal), valid until
        ``valid_until``."""
        check_own_company(call.actor, SUPPLIER, body.supplier_id, "supplier_id")
        known = await self.deps.parties.find(self.engine, "buyer", [body.buyer_id])
        lines = quoted_lines(body.lines)
        skus = {line.sku for line in lines}
        key = f"{body.supplier_id}:{call.key}"
        quote_id = uuid.uuid5(QUOTE_IDS, key) if call.key else new_event_id()
        offer = OfferQuote(
            quote_id=quote_id,
            supplier_id=body.supplier_id,
            buyer_id=body.buyer_id,
            title=body.title,
            lines=lines,
            valid_until=body.valid_until,
            catalog=await self.deps.products.catalog(self.engine, body.supplier_id, skus),
            buyer_known=body.buyer_id in known,
            note=body.note,
        )
        return await self.decide(call, quote_id, offer)

    @command(
        "POST",
        "/offers/{quote_id}/accept",
        roles=(BUYER, OPS),
        versioned=True,
        answer=QuoteAcceptedAnswer,
    )
    async def accept_quote(
        self, call: Call, quote_id: UUID, body: StrictJson[AcceptIn]
    ) -> Accepted:
        """The buyer accepts the quote within its validity: it becomes an order at the quoted
        prices (``order_id``); an expired quote is refused (409 QuoteExpired)."""
        state = await self.visible(call, quote_id)
        buyers = await self.deps.parties.find(self.engine, "buyer", [state.buyer_id])
        region = (buyers.get(state.buyer_id) or {}).get("delivery_region") or "default"
        skus = {line.sku for line in state.lines}
        accept = AcceptQuote(
            delivery_region=body.delivery_region or region,
            catalog=await self.deps.products.catalog(self.engine, state.supplier_id, skus),
            delivery_address_id=body.delivery_address_id,
            requested_delivery_date=body.requested_delivery_date,
        )
        accepted = await self.decide(call, quote_id, accept)
        return Accepted(quote_id, accepted.result, {"order_id": str(accepted_order_id(quote_id))})

    @command("POST", "/offers/{quote_id}/decline", roles=(BUYER, OPS), versioned=True)
    async def decline_quote(
        self, call: Call, quote_id: UUID, body: StrictJson[DeclineIn]
    ) -> Accepted:
        """The buyer turns the quote down."""
        await self.visible(call, quote_id)
        return await self.decide(call, quote_id, DeclineQuote(body.reason))


def offer_routes(deps: SourcingDeps) -> APIRouter:
    edge = Edge("sourcing", deps.context.idempotency, prefix="", tags=["offers"])
    return edge.include(OfferCommands(deps))
