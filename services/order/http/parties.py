"""Routes for buyers and suppliers: registration, auto-confirm rules, lists."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from shared.events.envelope import new_event_id
from shared.events.order import BuyerRegistered, SupplierRegistered
from shared.service.api import (
    ActorDep,
    MinPositionDep,
)
from shared.service.auth.access import ANALYST, EVERYONE, OPS, SUPPLIER, TRADERS
from shared.service.edge import Accepted, Call, Edge, command, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.strict_json import StrictJson

from ..domain.parties import RegisterBuyer, RegisterSupplier, SetAutoConfirmRule
from .answers import Buyer, Supplier
from .deps import OrderDeps
from .models import AutoConfirmIn, BuyerIn, SupplierIn

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


class PartyRoutes:
    """Buyers and suppliers: registration, auto-confirm rules, the directory."""

    def __init__(self, deps: OrderDeps) -> None:
        self.deps = deps
        self.context = deps.context

    @command("POST", "/buyers", roles=(OPS,), status=201)
    async def register_buyer(self, call: Call, body: StrictJson[BuyerIn]) -> Accepted:
        """Register a buyer company (operations)."""
        buyer_id = body.buyer_id or new_event_id()
        event = BuyerRegistered(**body.model_dump(exclude={"buyer_id"}), buyer_id=buyer_id)
        return Accepted(
            buyer_id, await self.deps.buyers.handle(buyer_id, RegisterBuyer(event), call.context())
        )

    @command("POST", "/suppliers", roles=(OPS,), status=201)
    async def register_supplier(self, call: Call, body: StrictJson[SupplierIn]) -> Accepted:
        """Register a supplier or distributor (operations)."""
        supplier_id = body.supplier_id or new_event_id()
        event = SupplierRegistered(
            **body.model_dump(exclude={"supplier_id"}), supplier_id=supplier_id
        )
        command = RegisterSupplier(event)
        return Accepted(
            supplier_id, await self.deps.suppliers.handle(supplier_id, command, call.context())
        )

    @command("PUT", "/suppliers/{supplier_id}/auto-confirm", roles=(SUPPLIER, OPS), versioned=True)
    async def set_auto_confirm(
        self, call: Call, supplier_id: UUID, body: StrictJson[AutoConfirmIn]
    ) -> Accepted:
        """Set the supplier's rule for confirming orders without a person."""
        if call.actor.role == SUPPLIER and call.actor.party != str(supplier_id):
            raise Problem(
                404, "Supplier not found", f"no supplier {supplier_id}", field="supplier_id"
            )
        command = SetAutoConfirmRule(
            supplier_id, body.enabled, body.order_types, body.max_order_total
        )
        result = await self.deps.suppliers.handle(
            supplier_id, command, call.context(), expected_version=call.expected_version
        )
        return Accepted(supplier_id, result)

    async def _wait(self, min_position: int) -> None:
        await self.context.positions.wait_for(self.deps.parties.name, "order", min_position)

    @query("/buyers", roles=(SUPPLIER, OPS, ANALYST), **answers(list[Buyer]))
    async def list_buyers(
        self, limit: Limit = 100, offset: Offset = 0, min_position: MinPositionDep = 0
    ) -> list[dict[str, Any]]:
        await self._wait(min_position)
        return await self.deps.parties.page(self.context.engine, "buyers", limit, offset)

    @query("/buyers/{buyer_id}", roles=TRADERS, **answers(Buyer))
    async def get_buyer(
        self, buyer_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> dict[str, Any]:
        await self._wait(min_position)
        found = await self.deps.parties.get(self.context.engine, "buyers", str(buyer_id))
        if found is None or (actor.role == "buyer" and actor.party != str(buyer_id)):
            raise Problem(404, "Buyer not found", f"no buyer {buyer_id}", field="buyer_id")
        return found

    @query("/suppliers", roles=EVERYONE, **answers(list[Supplier]))
    async def list_suppliers(
        self, limit: Limit = 100, offset: Offset = 0, min_position: MinPositionDep = 0
    ) -> list[dict[str, Any]]:
        await self._wait(min_position)
        return await self.deps.parties.page(self.context.engine, "suppliers", limit, offset)


def party_routes(deps: OrderDeps) -> APIRouter:
    edge = Edge("order", deps.context.idempotency, prefix="", tags=["parties"])
    return edge.include(PartyRoutes(deps))
