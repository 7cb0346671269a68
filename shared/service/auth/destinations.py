"""Where outbound webhooks may go (SSRF defence): pure rules over a URL and the addresses its
host resolves to. No I/O here; ``shared.service.auth.egress`` resolves and connects.

A destination must be a globally routable unicast address: loopback, private, shared
(carrier-grade NAT), link-local (cloud metadata lives at 169.254.169.254), multicast, reserved
and documentation ranges are refused, in IPv4 and IPv6, including IPv6 forms that carry an IPv4
address (``::ffff:10.0.0.1``, NAT64, 6to4, Teredo). Operators may allow internal networks
explicitly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

METADATA_ADDRESSES = frozenset(
    ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
"""Cloud instance metadata services (AWS, ECS, Alibaba, AWS IPv6): named so refusals say so."""

_NAT64 = (ip_network("64:ff9b::/96"), ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ip_network("::/96")
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class DestinationRefused(ValueError):
    """The URL or an address it resolves to may not receive webhooks; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """A checked URL's parts: where to resolve and connect."""

    scheme: str
    host: str
    port: int


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """``"10.20.0.0/16, 192.168.5.7"`` → networks; raises ValueError naming a bad entry."""
    found: list[IPNetwork] = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            found.append(ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"{entry!r} is not an IP network such as 10.20.0.0/16") from error
    return tuple(found)


def embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    compatible = address in _IPV4_COMPATIBLE and int(address) > 1  # not :: nor ::1
    if compatible or any(address in net for net in _NAT64):
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why ``address`` may not receive webhooks ("is a loopback address"), or None when it is a
    public unicast address."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = forbidden_reason(inner)
        if reason is not None:
            return f"{reason} ({inner} inside {address})"
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            return None  # the same destination as the public IPv4 address it maps
    checks = (
        (address in METADATA_ADDRESSES, "is a cloud metadata address"),
        (address.is_loopback, "is a loopback address"),
        (address.is_link_local, "is a link-local address"),
        (address.is_multicast, "is a multicast address"),
        (address.is_unspecified, "is an unspecified address"),
        (address.is_private, "is a private address"),
        (address.is_reserved, "is a reserved address"),
        (not address.is_global, "is not a public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


@dataclass(frozen=True)
class DestinationPolicy:
    """The rules: https only unless ``allow_http``; public addresses unless ``allowed`` names
    the network (an operator's explicit choice for an internal partner)."""

    allow_http: bool = False
    allowed: tuple[IPNetwork, ...] = ()

    def check_url(self, url: str) -> Target:
        """The URL's scheme, host and port, or DestinationRefused (no name is resolved)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise DestinationRefused(f"the URL is malformed ({error})") from None
        schemes = ("http", "https") if self.allow_http else ("https",)
        if parts.scheme not in schemes:
            raise DestinationRefused(f"use {' or '.join(schemes)}, not {parts.scheme or 'none'}")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise DestinationRefused("the URL names no host")
        if parts.username is not None or parts.password is not None:
            raise DestinationRefused("credentials in the URL are not sent; drop the user:password")
        return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))

    def literal(self, host: str) -> tuple[IPAddress, ...] | None:
        """The addresses a host stands for without asking DNS: an IP literal or localhost."""
        try:
            return (ip_address(host.strip("[]").split("%", 1)[0]),)
        except ValueError:
            pass
        name = host.lower()
        if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
            return (IPv4Address("127.0.0.1"), IPv6Address("::1"))
        return None

    def refusal(self, address: IPAddress) -> str | None:
        """Why this policy refuses ``address`` (None: it may be connected to)."""
        candidates = [address]
        inner = embedded_ipv4(address)
        if inner is not None:
            candidates.append(inner)
        if any(a in net for a in candidates for net in self.allowed if a.version == net.version):
            return None
        return forbidden_reason(address)

    def choose(self, host: str, addresses: Iterable[IPAddress]) -> IPAddress:
        """The address to connect to: every address the host resolves to must be allowed (one
        bad answer refuses all, so a name cannot mix a public and an internal address)."""
        found: Sequence[IPAddress] = list(dict.fromkeys(addresses))
        if not found:
            raise DestinationRefused(f"{host} does not resolve to any address")
        for address in found:
            reason = self.refusal(address)
            if reason is not None:
                if str(address) == host.strip("[]"):
                    raise DestinationRefused(f"{host} {reason}")
                raise DestinationRefused(f"{host} resolves to {address}, which {reason}")
        return found[0]
