"""Read routes: RFQs (a buyer's, a supplier's invitations), one RFQ with its quotes and history,
the comparison of its quotes, offered quotes, and the analysts' figures per supplier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, BUYER, OPS, SUPPLIER, TRADERS
from shared.service.auth.actor import Actor
from shared.service.edge import Edge, query
from shared.service.openapi_models import answers

from ..views.figures import totals
from ..views.rfqs import awardable, standing, status_of, summary
from .access import check_sees_rfq, quote_not_found, rfq_not_found
from .answers import Comparison, Figures, Offer, RfqDetail, RfqSummary
from .comparison import comparison
from .deps import SourcingDeps

RfqStatus = Literal["open", "awaiting_award", "awarded", "cancelled"]
OfferStatus = Literal["open", "expired", "accepted", "declined"]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _now() -> datetime:
    return datetime.now(UTC)


def _own_filters(actor: Actor) -> dict[str, Any]:
    return {f"{actor.role}_id": actor.party} if actor.role in (BUYER, SUPPLIER) else {}


def for_supplier(document: dict[str, Any], supplier_id: str) -> dict[str, Any]:
    """What an invited supplier sees of an RFQ: the request, its own standing, quote and award,
    and nothing of the other suppliers."""

    def own(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [item for item in items if item.get("supplier_id") == supplier_id]

    won = own(document["awards"])
    history = []
    for step in document["history"]:
        if step.get("supplier_id") not in (None, supplier_id):
            continue
        if step["event"] == "RfqAwarded":
            step = {**step, "suppliers": [supplier_id] if won else []}
            step["orders"] = [award["order_id"] for award in won]
        history.append(step)
    return {
        **document,
        "suppliers": own(document["suppliers"]),
        "quotes": own(document["quotes"]),
        "awards": won,
        "history": history,
    }


class SourcingQueries:
    def __init__(self, deps: SourcingDeps) -> None:
        self.deps = deps
        self.context = deps.context

    async def wait(self, view: str, min_position: int) -> None:
        await self.context.positions.wait_for(view, "sourcing", min_position)

    @query("/rfqs", roles=TRADERS, **answers(list[RfqSummary]))
    async def list_rfqs(
        self,
        actor: ActorDep,
        status: RfqStatus | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """RFQs, newest first: a buyer's own, the ones a supplier is invited to (with its
        ``standing``), every one for operations and analysts."""
        await self.wait(self.deps.board.name, min_position)
        filters = {**_own_filters(actor), "status": status}
        return await self.deps.board.page(self.context.engine, filters, _now(), limit, offset)

    @query("/rfqs/{rfq_id}", roles=TRADERS, **answers(RfqDetail))
    async def get_rfq(
        self, rfq_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        """One RFQ: its lines, the suppliers' standings and quotes, the award and its history.
        A supplier sees its own standing and quote only."""
        await self.wait(self.deps.board.name, min_position)
        document = await self.deps.board.get(self.context.engine, str(rfq_id))
        if document is None or not _sees(actor, document):
            raise rfq_not_found(rfq_id)
        now = _now()
        if actor.role == SUPPLIER:
            document = for_supplier(document, actor.party)
        version = await self.context.store.stream_version(self.deps.rfqs.stream_id(rfq_id))
        body = {**document, **summary(document, now), "status": status_of(document, now)}
        body.update(awardable=awardable(document, now), version=version)
        if actor.role == SUPPLIER:
            body["standing"] = standing(document, actor.party)
        return JSONResponse(body, headers={"ETag": f'"{version}"'})

    @query("/rfqs/{rfq_id}/comparison", roles=(BUYER, OPS, ANALYST), **answers(Comparison))
    async def compare_quotes(self, rfq_id: UUID, actor: ActorDep) -> dict[str, Any]:
        """Per line, each supplier's price, quantity, lead time and landed cost (its share of
        the quote's delivery charge included), the best per criterion marked among the quotes
        still valid; and each quote as a whole."""
        state = (await self.deps.rfqs.load(rfq_id)).state
        check_sees_rfq(actor, state, rfq_id)
        return comparison(state, _now())

    @query("/offers", roles=TRADERS, **answers(list[Offer]))
    async def list_offers(
        self,
        actor: ActorDep,
        status: OfferStatus | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Quotes offered on a supplier's own initiative, newest first: a buyer's, a
        supplier's, or all of them."""
        await self.wait(self.deps.offer_board.name, min_position)
        filters = {**_own_filters(actor), "status": status}
        board = self.deps.offer_board
        return await board.page(self.context.engine, filters, _now(), limit, offset)

    @query("/offers/{quote_id}", roles=TRADERS, **answers(Offer))
    async def get_offer(
        self, quote_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        """One offered quote with its lines, validity and outcome."""
        await self.wait(self.deps.offer_board.name, min_position)
        found = await self.deps.offer_board.get(self.context.engine, str(quote_id), _now())
        own = _own_filters(actor)
        if found is None or any(found[k] != v for k, v in own.items()):
            raise quote_not_found(quote_id)
        version = await self.context.store.stream_version(self.deps.offers.stream_id(quote_id))
        return JSONResponse({**found, "version": version}, headers={"ETag": f'"{version}"'})

    @query("/sourcing/analytics", roles=(ANALYST, OPS), **answers(Figures))
    async def sourcing_figures(self, min_position: MinPositionDep = 0) -> dict[str, Any]:
        """Per supplier: RFQs it was invited to, quoted, declined and won (win rate), offers
        accepted, and what its awarded lines saved against their list prices; the same for
        all suppliers together, per currency."""
        await self.wait(self.deps.figures.name, min_position)
        suppliers = await self.deps.figures.all(self.context.engine)
        return {"suppliers": suppliers, "totals": totals(suppliers)}


def _sees(actor: Actor, document: dict[str, Any]) -> bool:
    if actor.role == BUYER:
        return bool(document["buyer_id"] == actor.party)
    if actor.role == SUPPLIER:
        return any(s["supplier_id"] == actor.party for s in document["suppliers"])
    return True


def query_routes(deps: SourcingDeps) -> APIRouter:
    edge = Edge("sourcing", deps.context.idempotency, prefix="", tags=["rfqs"])
    return edge.include(SourcingQueries(deps))
