"""What every page handler gets: the user, an API client acting as them, and a renderer."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from portal.backend import ApiError, Backend, backend_for
from portal.cart import cart_of
from portal.session import CurrentUser, PortalUser
from portal.templating import render

DIRECTORY_TTL = 30.0


class WrongRole(Exception):
    """The page belongs to another role; answered with a page that says where to go instead."""

    def __init__(self, needed: tuple[str, ...], user: PortalUser) -> None:
        super().__init__(", ".join(needed))
        self.needed = needed
        self.user = user


@dataclass
class Page:
    request: Request
    user: PortalUser
    api: Backend

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        cart = cart_of(self.request).count if self.user.role == "buyer" else 0
        return render(self.request, name, self.user, status_code, cart_count=cart, **context)

    async def names(self) -> dict[str, str]:
        """Company names by id (buyers and suppliers), cached briefly per app."""
        state = self.request.app.state
        cached: tuple[float, dict[str, str]] | None = getattr(state, "portal_names", None)
        if cached and time.monotonic() - cached[0] < DIRECTORY_TTL:
            return cached[1]
        found: dict[str, str] = {}
        for path, key in (("/api/v1/suppliers", "supplier_id"), ("/api/v1/buyers", "buyer_id")):
            try:
                rows = await self.api.get(path, limit=500)
            except ApiError:  # buyers may not list other buyers; names are a nicety
                return found
            found.update({row[key]: row["name"] for row in rows})
        state.portal_names = (time.monotonic(), found)
        return found

    def as_party(self, role: str, party: str) -> Backend:
        """The API as a party this user runs (a supplier's own warehouse); callers check that."""
        return Backend(self.api.client, self.user.acting_for(role, party))

    async def own_warehouses(self) -> dict[str, str]:
        """The logged-in supplier's warehouses, id → name (nothing for other roles)."""
        if self.user.role != "supplier":
            return {}
        found = await self.api.get("/api/v1/warehouses", supplier_id=self.user.party)
        return {row["warehouse_id"]: row["name"] for row in found["items"]}

    async def shipments(self, **filters: str) -> list[dict[str, Any]]:
        """Shipments the user may see: a buyer its own, a supplier those of its warehouses."""
        if self.user.role != "supplier":
            rows: list[dict[str, Any]] = await self.api.get("/api/v1/shipments", **filters)
            return rows
        found: list[dict[str, Any]] = []
        for warehouse_id in await self.own_warehouses():
            api = self.as_party("warehouse", warehouse_id)
            found += await api.get("/api/v1/shipments", **filters)
        return found


async def _page(request: Request, user: CurrentUser) -> Page:
    return Page(request, user, backend_for(request, user))


PageDep = Annotated[Page, Depends(_page)]


def role(*roles: str) -> Callable[[Page], Coroutine[Any, Any, Page]]:
    """A dependency: the page, when the user acts in one of ``roles``."""

    async def check(page: PageDep) -> Page:
        if page.user.role not in roles:
            raise WrongRole(roles, page.user)
        return page

    return check


BuyerPage = Annotated[Page, Depends(role("buyer"))]
SupplierPage = Annotated[Page, Depends(role("supplier"))]
StaffPage = Annotated[Page, Depends(role("operations"))]
AnalystPage = Annotated[Page, Depends(role("analyst", "operations"))]
