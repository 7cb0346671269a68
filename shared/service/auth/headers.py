"""Browser security headers on every answer: no MIME sniffing, no referrer leaving the site, no
framing (clickjacking), HSTS when served over https, and on HTML pages a Content-Security-Policy
that lets only our own (vendored) scripts and styles run: no inline script, no eval.

The API documentation pages (Swagger UI, ReDoc) load their scripts from a CDN and start them
with an inline script, so they get a policy of their own that allows exactly that."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
DOCS_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "font-src 'self' https://fonts.gstatic.com",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
DOCS_PATHS = ("/docs", "/redoc")
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS_RAW = {name.lower().encode(): value.encode() for name, value in ALWAYS.items()}


def policy_for(path: str, content_type: str) -> str | None:
    """The Content-Security-Policy of an answer (None: not a page, so none is needed)."""
    if not content_type.startswith("text/html"):
        return None
    return DOCS_POLICY if path.startswith(DOCS_PATHS) else PAGE_POLICY


class SecurityHeaders:
    """ASGI middleware adding the headers above; a header a route set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
                present = {name.lower(): value for name, value in raw}
                content_type = present.get(b"content-type", b"").decode("latin-1")
                wanted = dict(ALWAYS_RAW)
                policy = policy_for(scope["path"], content_type)
                if policy is not None:
                    wanted[b"content-security-policy"] = policy.encode()
                if scope.get("scheme") == "https":
                    wanted[b"strict-transport-security"] = HSTS.encode()
                # One pass over the answer's headers (setdefault would scan them once per name).
                raw += [(name, value) for name, value in wanted.items() if name not in present]
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, add_headers)
