"""Outbound HTTP that obeys a destination policy: names are resolved, every answer is checked,
and the connection goes to the address that was checked (a later DNS answer cannot redirect it).
One client is shared by every delivery, so connections to a partner are reused."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from ipaddress import ip_address

import certifi
import httpcore
import httpx

from shared.service.auth.destinations import DestinationPolicy, DestinationRefused, IPAddress

Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
"""``(host, port) -> addresses``; tests pass a stub so no name is ever looked up."""


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The operating system's answer (``getaddrinfo``), TCP addresses only."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DestinationRefused(f"{host} does not resolve ({error.strerror})") from None
    return [ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def checked_address(
    policy: DestinationPolicy, resolver: Resolver, host: str, port: int
) -> IPAddress:
    """The address to connect to for ``host``, or DestinationRefused."""
    addresses: Iterable[IPAddress] | None = policy.literal(host)
    if addresses is None:
        addresses = await resolver(host, port)
    return policy.choose(host, addresses)


async def check_destination(policy: DestinationPolicy, resolver: Resolver, url: str) -> str:
    """Refuse (DestinationRefused) a URL whose scheme or any address is not allowed; the
    address it would be sent to otherwise."""
    target = policy.check_url(url)
    return str(await checked_address(policy, resolver, target.host, target.port))


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to checked addresses; TLS still verifies the host name."""

    def __init__(
        self,
        policy: DestinationPolicy,
        resolver: Resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await checked_address(self.policy, self.resolver, host, port)
        return await self.inner.connect_tcp(
            str(address), port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise DestinationRefused("webhooks are never sent to a local socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport on a connection pool whose network backend is ``PinnedBackend``;
    proxies from the environment are ignored (a proxy would connect on our behalf)."""

    def __init__(self, backend: PinnedBackend, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


@dataclass(frozen=True)
class DeliveryLimits:
    """How long a partner may take and how much it may answer."""

    connect_seconds: float = 3.0
    total_seconds: float = 10.0
    max_response_bytes: int = 64 * 1024
    max_connections: int = 20


def pinned_client(
    policy: DestinationPolicy, resolver: Resolver, limits: DeliveryLimits = DeliveryLimits()
) -> httpx.AsyncClient:
    """The shared webhook client: pinned connections, no redirects, short timeouts."""
    pool = httpx.Limits(
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_connections,
        keepalive_expiry=30.0,
    )
    return httpx.AsyncClient(
        transport=PinnedTransport(PinnedBackend(policy, resolver), pool),
        timeout=httpx.Timeout(limits.total_seconds, connect=limits.connect_seconds),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": "b2b-ordering-webhooks/1"},
    )
