"""Mount the portal on an app: its pages under /portal, its static files, and the answers to
the answer to 'this page is for another role' (log-in and CSRF are portal.auth's)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from portal import i18n
from portal.auth import local_path
from portal.deps import WrongRole
from portal.pages import (
    analytics,
    approvals,
    audit,
    cart,
    catalog,
    home,
    invoices,
    offers,
    operations,
    order_actions,
    orders,
    sourcing,
    supplier,
)
from portal.templating import render

STATIC = Path(__file__).parent / "static"


def portal_router() -> APIRouter:
    router = APIRouter(prefix="/portal", include_in_schema=False)
    modules = (home, catalog, cart, orders, order_actions, approvals, invoices, supplier)
    for module in (*modules, operations, sourcing, offers):
        router.include_router(module.router)
    router.include_router(analytics.router)
    router.include_router(audit.router)
    return router


async def _wrong_role(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, WrongRole)
    return render(request, "wrong_role.html", error.user, 403, needed=error.needed)


class LocaleMiddleware:
    """Every portal request (and the log-in page) is served in its user's locale and zone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        token = i18n.use(HTTPConnection(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            i18n.restore(token)


ONE_YEAR = 365 * 24 * 3600


def mount(app: FastAPI) -> None:
    """Add the portal to ``app``: ``/`` leads to it, ``/portal/static`` serves its assets,
    ``/language/<tag>`` switches the language (a cookie: the user's setting on this browser)."""
    app.include_router(portal_router())
    app.mount("/portal/static", StaticFiles(directory=STATIC), name="portal-static")
    app.add_exception_handler(WrongRole, _wrong_role)
    app.add_middleware(LocaleMiddleware)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/portal/", 303)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/language/{tag}", include_in_schema=False)
    async def switch_language(tag: str, next: str = "/portal/") -> RedirectResponse:
        """Remember the chosen language (zh-Hant, zh-Hans or en) and go back to the page."""
        response = RedirectResponse(local_path(next), 303)
        language = i18n.BY_TAG.get(tag.lower())
        if language is not None:
            response.set_cookie(i18n.LOCALE_COOKIE, language.code, max_age=ONE_YEAR, samesite="lax")
        return response
