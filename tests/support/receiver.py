"""A real webhook receiver on 127.0.0.1 that verifies what it gets with the
``standardwebhooks`` package, as any integration would; it can be stopped, brought
back on the same port, or made to hang (to kill a sender mid-send)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # socketserver's 5 drops the connections of a burst


@dataclass
class Received:
    webhook_id: str
    body: dict[str, Any]
    verified: bool


@dataclass
class Receiver:
    secret: str | None = None
    received: list[Received] = field(default_factory=list)
    status: int = 200
    hang: threading.Event | None = None  # while set: requests are recorded, not answered
    port: int = 0
    server: _Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks?from=okra"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = False
                if receiver.secret is not None:
                    try:
                        Webhook(receiver.secret).verify(body, headers)
                        verified = True
                    except WebhookVerificationError:
                        pass
                receiver.received.append(
                    Received(headers.get("webhook-id", ""), json.loads(body), verified)
                )
                hang = receiver.hang
                if hang is not None:
                    hang.wait(30)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    async def wait_for(self, count: int, seconds: float = 15) -> list[Received]:
        """Wait (in real time: the dispatcher runs in the background) for ``count``."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"received {len(self.received)} of {count} deliveries")
            await asyncio.sleep(0.02)
        return self.received
