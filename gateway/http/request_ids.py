"""Request ids: every HTTP request gets one (the caller's ``X-Request-ID`` if it sent a
sane one), bound into the log context and echoed in the response, so the id a client
sees on a masked error finds the log lines of that request.
"""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.observability import request_id

_SANE_ID = re.compile(r"^[\w.:-]{1,64}$")


class RequestIds:
    """Gives each HTTP request an id: in the log context and in ``X-Request-ID``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode(errors="ignore")
        rid = given if _SANE_ID.match(given) else uuid.uuid4().hex[:16]
        token = request_id.set(rid)
        structlog.contextvars.bind_contextvars(request_id=rid)

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            request_id.reset(token)
