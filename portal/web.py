"""Mount the portal on an app: its pages under /portal, its static files, and the answers to
the answer to 'this page is for another role' (log-in and CSRF are portal.auth's)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from portal.deps import WrongRole
from portal.pages import (
    analytics,
    audit,
    cart,
    catalog,
    home,
    invoices,
    operations,
    order_actions,
    orders,
    supplier,
)
from portal.templating import render

STATIC = Path(__file__).parent / "static"


def portal_router() -> APIRouter:
    router = APIRouter(prefix="/portal", include_in_schema=False)
    for module in (home, catalog, cart, orders, order_actions, invoices, supplier, operations):
        router.include_router(module.router)
    router.include_router(analytics.router)
    router.include_router(audit.router)
    return router


async def _wrong_role(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, WrongRole)
    return render(request, "wrong_role.html", error.user, 403, needed=error.needed)


def mount(app: FastAPI) -> None:
    """Add the portal to ``app``: ``/`` leads to it, ``/portal/static`` serves its assets."""
    app.include_router(portal_router())
    app.mount("/portal/static", StaticFiles(directory=STATIC), name="portal-static")
    app.add_exception_handler(WrongRole, _wrong_role)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/portal/", 303)
