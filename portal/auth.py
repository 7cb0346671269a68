"""Portal log-in: session cookie + CSRF, on the same identities as the API.

For portal pages::

    from portal.auth import PortalUserDep, install_portal_auth

    @router.get("/orders")
    async def orders(user: PortalUserDep) -> HTMLResponse:
        user.role, user.party, user.username   # who is logged in
        user.csrf_token                        # put in every form as ``csrf_token``
        user.api_headers()                     # call the API as this user (short-lived bearer)

``portal_user`` (``PortalUserDep``) returns the logged-in user or redirects the browser to
``/login?next=<page>``. A state-changing page (POST) adds ``Depends(require_csrf)``: the form's
``csrf_token`` field (or ``X-CSRF-Token`` header) must be the session's token, else 403.
``install_portal_auth(app)`` mounts GET/POST ``/login`` and POST ``/logout`` and the redirect.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.i18n import _
from shared.service.auth.actor import Principal
from shared.service.auth.dependencies import security_of
from shared.service.auth.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, Security
from shared.service.errors import Problem

LOGIN_CSRF_COOKIE = "b2b_login_csrf"
API_TOKEN_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class SessionUser:
    """The person logged in to the portal, and how the portal calls the API for them."""

    username: str
    role: str
    party: str
    csrf_token: str
    security: Security

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.party}"

    def api_headers(self) -> dict[str, str]:
        from shared.service.auth.actor import Actor

        token = self.security.tokens.issue(
            Actor(self.role, self.party), subject=self.username, ttl=API_TOKEN_TTL
        )
        return {"Authorization": f"Bearer {token}"}


class LoginRedirect(Exception):
    """Nobody is logged in: the browser goes to /login and comes back to ``next_url``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def local_path(next_url: str | None) -> str:
    """Only same-site paths: ``//evil.example`` or ``https://...`` become ``/``."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//"):
        return "/"
    return next_url


async def portal_user(request: Request) -> SessionUser:
    """The logged-in user, or a redirect to /login."""
    security = security_of(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    session = await security.identity.session(session_id) if session_id else None
    if session is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRedirect(request.url.path + query)
    request.state.principal = Principal(session.actor, "session", session.username)
    return SessionUser(
        session.username, session.actor.role, session.actor.party, session.csrf_token, security
    )


PortalUserDep = Annotated[SessionUser, Depends(portal_user)]


async def require_csrf(
    request: Request, user: PortalUserDep, csrf_token: Annotated[str, Form()] = ""
) -> None:
    """Refuse (403) a state-changing request without this session's CSRF token."""
    sent = csrf_token or request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent, user.csrf_token):
        raise Problem(403, "CSRF token missing or wrong", "reload the page and submit again")


def _login_page(
    request: Request, next_url: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    from portal.templating import templates  # the portal's one environment (imports this module)

    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "next": next_url,
            "csrf_token": token,
            "error": error,
            # (username, role, company) in development, set by the runtime; absent elsewhere
            "demo_logins": getattr(request.app.state, "demo_logins", None),
            "demo_password": getattr(request.app.state, "demo_password", ""),
        },
        status_code=status,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def login_routes() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login")
    async def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return _login_page(request, local_path(next))

    @router.post("/login")
    async def login(
        request: Request,
        username: Annotated[str, Form(max_length=100)] = "",
        password: Annotated[str, Form(max_length=200)] = "",
        csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        security = security_of(request)
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf_token, expected):
            return _login_page(request, local_path(next), _("Your form expired; try again."), 403)
        client = request.client.host if request.client else "?"
        wait = security.limiter.hit(security.login_rate, "portal-login", client)
        if wait is not None:
            page = _login_page(
                request,
                local_path(next),
                _("Too many attempts; wait %(seconds)s s.", seconds=wait),
                429,
            )
            page.headers["Retry-After"] = str(wait)
            return page
        attempt = await security.log_in(username, password, "portal", client)
        user = attempt.user
        if attempt.locked_until is not None:
            wait = attempt.retry_after(datetime.now(UTC))
            minutes = max(1, round(wait / 60))
            message = _(
                "Too many failed log-ins; this account is locked for about %(minutes)s min.",
                minutes=minutes,
            )
            page = _login_page(request, local_path(next), message, 429)
            page.headers["Retry-After"] = str(wait)
            return page
        if user is None:
            return _login_page(request, local_path(next), _("Wrong username or password."), 401)
        session_id, _session = await security.identity.open_session(user)
        response = RedirectResponse(local_path(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_id,
            httponly=True,
            samesite="lax",
            secure=security.secure_cookies,
            max_age=int(security.identity.session_ttl.total_seconds()),
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @router.post("/logout", dependencies=[Depends(require_csrf)])
    async def logout(request: Request) -> Response:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            await security_of(request).identity.close_session(session_id)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    return router


def install_portal_auth(app: FastAPI) -> None:
    """Mount /login and /logout, and turn ``LoginRedirect`` into a 303 to the login page."""
    app.include_router(login_routes())

    @app.exception_handler(LoginRedirect)
    async def to_login(request: Request, error: LoginRedirect) -> Response:
        return RedirectResponse(f"/login?next={quote(error.next_url, safe='/')}", status_code=303)
