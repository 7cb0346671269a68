"""Buyer approvals: a company's spending rules, its approvers' answers, and their queue."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.events.statuses import OrderStatus
from shared.service.api import ActorDep, MinPositionDep
from shared.service.auth.access import BUYER, OPS
from shared.service.auth.actor import Actor
from shared.service.auth.dependencies import PrincipalDep
from shared.service.edge import Accepted, Call, Edge, command, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.shapes import money
from shared.service.strict_json import StrictJson

from ..domain.commands import ApproveOrder, DeclineApproval, SpendingRules
from ..domain.parties import PartyState, SetSpendingRules
from .access import check_sees
from .answers import ApprovalQueueItem
from .answers import SpendingRules as SpendingRulesAnswer
from .deps import OrderDeps
from .models import ApprovalIn, ReasonIn, SpendingRulesIn
from .orders import PERSON

QUEUE_LIMIT = 200


def _own_company(actor: Actor, buyer_id: UUID) -> None:
    if actor.role == BUYER and actor.party != str(buyer_id):
        raise Problem(404, "Buyer not found", f"no buyer {buyer_id}", field="buyer_id")


def _rules_body(buyer_id: UUID, state: PartyState, version: int) -> dict[str, Any]:
    rules = state.spending or SpendingRules(frozenset())

    def amount(value: Any) -> dict[str, Any] | None:
        return None if value is None else money(value.amount, value.currency)

    return {
        "buyer_id": str(buyer_id),
        "approvers": sorted(rules.approvers),
        "one_approval_above": amount(rules.one_approval_above),
        "two_approvals_above": amount(rules.two_approvals_above),
        "categories": sorted(rules.categories),
        "version": version,
    }


class ApprovalRoutes:
    """Spending rules per buyer company; approve or decline an order; the approvers' queue."""

    def __init__(self, deps: OrderDeps) -> None:
        self.deps = deps
        self.context = deps.context

    @command("PUT", "/buyers/{buyer_id}/spending-rules", roles=(BUYER, OPS), versioned=True)
    async def set_spending_rules(
        self, call: Call, buyer_id: UUID, body: StrictJson[SpendingRulesIn]
    ) -> Accepted:
        """Set which of the company's orders wait for its approvers: over an amount (one
        approver, or two over a second amount) or with a line in a category. Once the company
        has approvers, only they (or operations) change the rules."""
        _own_company(call.actor, buyer_id)
        rules = SpendingRules(
            frozenset(body.approvers),
            body.one_approval_above,
            body.two_approvals_above,
            frozenset(body.categories),
        )
        change = SetSpendingRules(buyer_id, rules, call.person, call.actor.role == OPS)
        result = await self.deps.buyers.handle(
            buyer_id, change, call.context(), expected_version=call.expected_version
        )
        return Accepted(buyer_id, result)

    @query(
        "/buyers/{buyer_id}/spending-rules",
        roles=(BUYER, OPS),
        **answers(SpendingRulesAnswer),
    )
    async def get_spending_rules(self, buyer_id: UUID, actor: ActorDep) -> JSONResponse:
        """The company's spending rules (no approvers and no limits: nothing needs approval)."""
        _own_company(actor, buyer_id)
        loaded = await self.deps.buyers.load(buyer_id)
        if not loaded.state.is_buyer:
            raise Problem(404, "Buyer not found", f"no buyer {buyer_id}", field="buyer_id")
        body = _rules_body(buyer_id, loaded.state, loaded.version)
        return JSONResponse(body, headers={"ETag": f'"{loaded.version}"'})

    async def answer(self, call: Call, order_id: UUID, make: Any) -> Accepted:
        state = (await self.deps.orders.load(order_id)).state
        check_sees(call.actor, state, order_id)
        if not PERSON.fullmatch(call.person):
            raise Problem(
                403,
                "NotAnApprover",
                "approve as a person: log in with your user name (an API key names no one)",
            )
        spending = (await self.deps.buyers.load(state.buyer_id)).state.spending
        approvers = spending.approvers if spending else frozenset()
        result = await self.deps.orders.handle(
            order_id,
            make(approvers),
            call.context(order_id),
            expected_version=call.expected_version,
        )
        return Accepted(order_id, result)

    @command("POST", "/orders/{order_id}/approve", roles=(BUYER,), versioned=True)
    async def approve_order(
        self, call: Call, order_id: UUID, body: StrictJson[ApprovalIn] | None = None
    ) -> Accepted:
        """One of the buyer's approvers approves an order waiting for approval; with every
        approval it needs, it goes on to credit and the supplier (403 for anyone else, and for
        whoever placed it)."""
        note = body.note if body else None
        return await self.answer(
            call, order_id, lambda approvers: ApproveOrder(call.person, approvers, note)
        )

    @command("POST", "/orders/{order_id}/disapprove", roles=(BUYER,), versioned=True)
    async def disapprove_order(
        self, call: Call, order_id: UUID, body: StrictJson[ReasonIn]
    ) -> Accepted:
        """One of the buyer's approvers turns down an order waiting for approval, saying why:
        it ends, rejected by the buyer."""
        return await self.answer(
            call,
            order_id,
            lambda approvers: DeclineApproval(call.person, approvers, body.reason),
        )

    @query("/approvals", roles=(BUYER,), **answers(list[ApprovalQueueItem]))
    async def approval_queue(
        self,
        actor: ActorDep,
        principal: PrincipalDep,
        mine: Annotated[
            bool, Query(description="only the orders the caller may answer now")
        ] = False,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """The company's orders waiting for approval, oldest first, each with what its rules
        ask and whether the caller may answer it."""
        for projection in (self.deps.summaries.name, self.deps.details.name):
            await self.context.positions.wait_for(projection, "order", min_position)
        engine = self.context.engine
        filters: dict[str, str | None] = {
            "buyer_id": actor.party,
            "status": OrderStatus.AWAITING_APPROVAL,
        }
        waiting = await self.deps.summaries.query(engine, filters, QUEUE_LIMIT, 0)
        company = (await self.deps.buyers.load(UUID(actor.party))).state.spending
        person = principal.subject if principal is not None else ""
        may_approve = company is not None and person in company.approvers
        queue = []
        for summary in reversed(waiting):
            approval = (await self.deps.details.facets(engine, summary["order_id"])).get("approval")
            answered = {step["approver"] for step in (approval or {}).get("steps", [])}
            placed_by = (approval or {}).get("placed_by")
            can = may_approve and person not in answered and person != placed_by
            if can or not mine:
                queue.append({**summary, "approval": approval, "can_answer": can})
        return queue


def approval_routes(deps: OrderDeps) -> APIRouter:
    edge = Edge("order", deps.context.idempotency, prefix="", tags=["approvals"])
    return edge.include(ApprovalRoutes(deps))
