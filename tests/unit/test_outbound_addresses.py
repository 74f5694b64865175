"""Which addresses and URLs OKRA may call (the SSRF guard's rules, without a network)."""

from __future__ import annotations

import ipaddress

import pytest

from gateway.outbound import Refused, check_url, is_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",  # IPv4 inside IPv6
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "ff02::1",
    ],
)
def test_addresses_of_private_networks_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http:///nohost", "names no host"),
        ("https://user:secret@example.com/", "credentials"),
        ("http://example.com:99999/", "not a URL"),
    ],
)
def test_urls_that_are_never_requested(url: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        check_url(url)
