"""Request limits that belong below GraphQL: body size and a per-request time budget.

Depth, tokens and aliases are strawberry's own extensions (see gateway.schema); these
two are enforced around the ASGI app because they must hold before a document is
even parsed, and after it has started to run.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.http.errors import error_response
from gateway.http.middleware import HttpOnly, Tracked


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """Refuses bodies over ``limit`` bytes, declared or streamed, with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"the request body exceeds {self.limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await error_response(413, message, code="PAYLOAD_TOO_LARGE")(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            event = await receive()
            received += len(event.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge
            return event

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await error_response(413, message, code="PAYLOAD_TOO_LARGE")(scope, receive, send)


class TimeBudget(HttpOnly):
    """Answers 503 TIMEOUT when a request runs past its budget (if nothing was sent)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        super().__init__(app)
        self.seconds = seconds

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked = Tracked(send)
        with anyio.move_on_after(self.seconds) as budget:
            await self.app(scope, receive, tracked)
        if budget.cancelled_caught and not tracked.started:
            message = f"the request took longer than {self.seconds:g} s"
            await error_response(503, message, code="TIMEOUT")(scope, receive, send)
