"""Requests OKRA sends to URLs that people give it (webhooks, data sources), guarded.

A URL is something a user typed; sent as it is, it reaches whatever its host names,
including the gateway's own network: the database, a cloud's metadata service at
169.254.169.254, an admin port on localhost (server-side request forgery). So before
anything is sent, the host is resolved and every address it resolves to must be a
public one: loopback, private, link-local (the metadata services), shared, multicast,
reserved and unspecified addresses are refused, IPv4 inside IPv6 too. The request then
connects to the address that was checked, not to a second resolution of the name (a
host that resolves to a public address once and to a private one the next time gets
nothing), with the name kept for the ``Host`` header and TLS.

Every request has a time limit, never follows a redirect (a public URL may redirect to
a private one) and reads at most ``max_bytes`` of the answer.

``allow_private`` (``OKRA_WEBHOOK_ALLOW_PRIVATE``) lifts the address rule, for a gateway
whose receivers live on its own network, and for the tests' receivers on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

TIMEOUT = 10.0  # seconds, for connecting and for each read
MAX_BYTES = 1_000_000


class Refused(Exception):
    """The URL may not be requested (``reason`` says why, for the person who gave it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    seconds: float


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """Whether an address is one any host on the internet could have."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv6Address) and address.sixtofour is not None:
        address = address.sixtofour
    return address.is_global and not address.is_multicast


def check_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of a URL that may be requested at all (http or https,
    with a host, no credentials in it)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("not a URL") from None
    if parts.scheme not in ("http", "https"):
        raise Refused("only http and https URLs are requested")
    if not parts.hostname:
        raise Refused("the URL names no host")
    if parts.username or parts.password:
        raise Refused("put credentials in a header, not in the URL")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an address given as such: itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise Refused(f"the host {host} does not resolve ({error.strerror or error})") from None
    addresses: list[IPAddress] = []
    for _, _, _, _, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(f"the host {host} does not resolve")
    return addresses


async def checked_address(url: str, allow_private: bool) -> IPAddress:
    """The address to connect to for ``url``, once the URL and all its addresses pass."""
    _, host, port = check_url(url)
    addresses = await resolve(host, port)
    if not allow_private:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise Refused(
                f"the host {host} resolves to {private[0]}, an address of a private, "
                "loopback, link-local or reserved network: OKRA only calls public addresses"
            )
    return addresses[0]


class Outbound:
    """One process's client for guarded requests (share it: it pools connections)."""

    def __init__(
        self, *, allow_private: bool, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def check(self, url: str) -> None:
        """Refuse a URL that may not be requested (when it is given, before it is kept)."""
        await checked_address(url, self.allow_private)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> Answer:
        """Send the request to the address that was checked; the answer, its body cut at
        ``max_bytes`` (more is refused). Network failures raise ``httpx.HTTPError``."""
        scheme, host, port = check_url(url)
        address = await checked_address(url, self.allow_private)
        parts = urlsplit(url)
        literal = f"[{address}]" if address.version == 6 else str(address)
        pinned = urlunsplit((scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
        sent_headers = {"Host": parts.netloc.rpartition("@")[2], **(headers or {})}
        started = time.perf_counter()
        request = self.client.build_request(
            method,
            pinned,
            headers=sent_headers,
            content=content,
            extensions={"sni_hostname": host},
        )
        response = await self.client.send(request, stream=True)
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise Refused(f"the answer is larger than {self.max_bytes} bytes")
        finally:
            await response.aclose()
        return Answer(
            response.status_code, response.headers, bytes(body), time.perf_counter() - started
        )
