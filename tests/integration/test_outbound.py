"""The guarded client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gateway.outbound import Outbound, Refused


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.end_headers()
            return
        body = b"x" * 5000 if self.path == "/big" else self.headers["Host"].encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


async def test_private_addresses_are_refused_by_default(server: str) -> None:
    guarded = Outbound(allow_private=False)
    try:
        for url in (server, server.replace("127.0.0.1", "localhost")):
            with pytest.raises(Refused, match="private, loopback"):
                await guarded.request("GET", url + "/")
    finally:
        await guarded.aclose()


async def test_allowed_private_calls_keep_their_host_never_follow_redirects_and_cap_bodies(
    server: str,
) -> None:
    guarded = Outbound(allow_private=True, max_bytes=1000)
    try:
        named = server.replace("127.0.0.1", "localhost")
        answer = await guarded.request("GET", named + "/")
        assert answer.status == 200 and answer.body == named.removeprefix("http://").encode()
        redirected = await guarded.request("GET", server + "/redirect")
        assert redirected.status == 302  # not followed
        with pytest.raises(Refused, match="larger than 1000 bytes"):
            await guarded.request("GET", server + "/big")
    finally:
        await guarded.aclose()
