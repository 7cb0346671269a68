"""The portal's only way into the system: the services' public HTTP API, as the logged-in user.

Embedded mode calls the same app in-process (httpx over ASGI); ``B2B_PORTAL_API_URL`` points the
portal at a gateway instead. Nothing here imports a service: the portal depends on HTTP alone.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import httpx
from fastapi import Request

from portal.session import PortalUser

TIMEOUT = httpx.Timeout(15.0)


@dataclass
class ApiError(Exception):
    """An API answer that is not a success, carrying its problem+json ``detail`` for the user."""

    status: int
    title: str
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] = dc_field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.title}: {self.detail}" if self.detail else self.title

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        detail = body.get("detail")
        if isinstance(detail, list):  # FastAPI's own validation errors
            detail = "; ".join(str(item.get("msg", item)) for item in detail)
        return cls(
            status=response.status_code,
            title=str(body.get("title") or response.reason_phrase or "Request failed"),
            detail=str(detail or "the service gave no reason; try again or ask operations"),
            field=body.get("field"),
            errors=list(body.get("errors") or []),
        )


class Backend:
    """Calls the API for one user: their identity on every request, problems raised as ApiError."""

    def __init__(self, client: httpx.AsyncClient, user: PortalUser) -> None:
        self.client = client
        self.user = user

    async def get(self, path: str, **params: Any) -> Any:
        sent = {k: v for k, v in params.items() if v not in (None, "")}
        response = await self.client.get(path, params=sent, headers=self.user.api_headers())
        return self._body(response)

    async def get_or_none(self, path: str, **params: Any) -> Any:
        """Like ``get``, but ``None`` for a 404 (an absent resource or optional endpoint)."""
        try:
            return await self.get(path, **params)
        except ApiError as error:
            if error.status in (404, 405):
                return None
            raise

    async def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        if_match: int | str | None = None,
    ) -> Any:
        headers = {**self.user.api_headers(), "Idempotency-Key": key or str(uuid.uuid4())}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        response = await self.client.request(method, path, json=body, headers=headers)
        return self._body(response)

    async def post(self, path: str, body: Any = None, **options: Any) -> Any:
        return await self.send("POST", path, body, **options)

    @staticmethod
    def _body(response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response.json() if response.content else None


def api_client(request: Request) -> httpx.AsyncClient:
    """One client per app: to the gateway when configured, else in-process to this very app."""
    state = request.app.state
    client: httpx.AsyncClient | None = getattr(state, "portal_api_client", None)
    if client is None or client.is_closed:
        base_url = os.environ.get("B2B_PORTAL_API_URL")
        if base_url:
            client = httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT)
        else:
            transport = httpx.ASGITransport(app=request.app)
            client = httpx.AsyncClient(
                transport=transport, base_url="http://portal.internal", timeout=TIMEOUT
            )
        state.portal_api_client = client
    return client


def backend_for(request: Request, user: PortalUser) -> Backend:
    return Backend(api_client(request), user)
