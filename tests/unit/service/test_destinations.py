"""The webhook destination policy as a pure function: which URLs and addresses may receive
webhooks. Nothing here resolves a name or opens a connection."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from shared.service.auth.destinations import (
    DestinationPolicy,
    DestinationRefused,
    embedded_ipv4,
    forbidden_reason,
    parse_networks,
)

STRICT = DestinationPolicy()

REFUSED = [
    ("10.0.0.1", "private"),
    ("10.255.255.254", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.10", "private"),
    ("127.0.0.1", "loopback"),
    ("127.9.9.9", "loopback"),
    ("169.254.169.254", "metadata"),
    ("169.254.1.1", "link-local"),
    ("100.64.0.1", "not a public"),
    ("100.100.100.200", "metadata"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("224.0.1.1", "multicast"),
    ("255.255.255.255", "private"),
    ("192.0.2.1", "private"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fc00::1", "private"),
    ("fd12:3456:789a::1", "private"),
    ("fd00:ec2::254", "metadata"),
    ("fe80::1", "link-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "private"),
    # IPv6 forms that carry an IPv4 address are judged by that address too
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "metadata"),
    ("::ffff:192.168.0.1", "private"),
    ("::127.0.0.1", "loopback"),
    ("64:ff9b::a00:1", "private"),
    ("2002:a9fe:a9fe::1", "metadata"),
    ("2002:7f00:1::", "loopback"),
]


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_refuses_internal_addresses(address: str, why: str) -> None:
    reason = forbidden_reason(ip_address(address))
    assert reason is not None
    assert why in reason
    with pytest.raises(DestinationRefused, match=why):
        STRICT.choose(address, [ip_address(address)])


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.215.14"]
)
def test_allows_public_unicast_addresses(address: str) -> None:
    assert forbidden_reason(ip_address(address)) is None
    assert STRICT.choose("partner.example", [ip_address(address)]) == ip_address(address)


def test_finds_the_ipv4_address_inside_ipv6_forms() -> None:
    assert embedded_ipv4(ip_address("::ffff:10.1.2.3")) == ip_address("10.1.2.3")
    assert embedded_ipv4(ip_address("64:ff9b::808:808")) == ip_address("8.8.8.8")
    assert embedded_ipv4(ip_address("2002:0a00:0001::")) == ip_address("10.0.0.1")
    assert embedded_ipv4(ip_address("2606:4700::1111")) is None
    assert embedded_ipv4(ip_address("10.0.0.1")) is None


def test_one_internal_answer_refuses_the_whole_name() -> None:
    answers = [ip_address("93.184.215.14"), ip_address("10.0.0.5")]
    with pytest.raises(DestinationRefused, match=r"partner\.example resolves to 10\.0\.0\.5"):
        STRICT.choose("partner.example", answers)


def test_a_name_without_addresses_is_refused() -> None:
    with pytest.raises(DestinationRefused, match="does not resolve"):
        STRICT.choose("nowhere.example", [])


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://partner.example/hook", "use https"),
        ("ftp://partner.example/hook", "use https"),
        ("https:///hook", "no host"),
        ("https://user:secret@partner.example/hook", "credentials"),
        ("https://partner.example:99999/hook", "malformed"),
    ],
)
def test_refuses_urls_by_their_form(url: str, why: str) -> None:
    with pytest.raises(DestinationRefused, match=why):
        STRICT.check_url(url)


def test_https_only_unless_http_is_allowed() -> None:
    target = STRICT.check_url("https://Partner.Example./hook")
    assert (target.scheme, target.host, target.port) == ("https", "partner.example", 443)
    relaxed = DestinationPolicy(allow_http=True)
    assert relaxed.check_url("http://partner.example:8080/x").port == 8080


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", ["127.0.0.1"]),
        ("[::1]", ["::1"]),
        ("::ffff:7f00:1", ["::ffff:7f00:1"]),
        ("localhost", ["127.0.0.1", "::1"]),
        ("LOCALHOST", ["127.0.0.1", "::1"]),
        ("api.localhost", ["127.0.0.1", "::1"]),
        ("partner.example", None),
    ],
)
def test_literal_hosts_and_localhost_need_no_lookup(host: str, expected: list[str] | None) -> None:
    found = STRICT.literal(host)
    assert (None if found is None else [str(a) for a in found]) == expected


def test_operators_may_allow_internal_networks_explicitly() -> None:
    policy = DestinationPolicy(allowed=parse_networks("10.20.0.0/16, 127.0.0.1"))
    assert policy.refusal(ip_address("10.20.3.4")) is None
    assert policy.refusal(ip_address("::ffff:10.20.3.4")) is None
    assert policy.refusal(ip_address("127.0.0.1")) is None
    assert policy.refusal(ip_address("127.0.0.2")) is not None
    assert policy.refusal(ip_address("10.21.0.1")) is not None
    assert policy.refusal(ip_address("169.254.169.254")) is not None


def test_allow_list_entries_are_checked() -> None:
    assert parse_networks("") == ()
    assert parse_networks("fd00::/8") == (ip_network("fd00::/8"),)
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33' is not an IP network"):
        parse_networks("10.0.0.0/33")
