"""The one shape of an error the HTTP layer answers itself, before or instead of
GraphQL: a GraphQL response body holding only ``errors``.

Clients then handle a refused credential, an oversized body or a media type we
cannot produce the way they handle any GraphQL error (a ``message``, and a stable
``extensions.code`` where there is one), whichever layer refused.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.http.middleware import HttpOnly, Tracked
from gateway.observability import request_id as current_request_id

log = logging.getLogger("okra.errors")

JSON = "application/json"


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``{"errors": [{"message": …, "extensions": {"code": …}}]}`` with that status
    (no ``extensions`` without a code); the response is itself an ASGI app."""
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["extensions"] = {"code": code}
    return Response(
        json.dumps({"errors": [error]}),
        status_code=status,
        media_type=media_type,
        headers=headers,
    )


class AnswerFaultsInJson(HttpOnly):
    """The last resort: an exception no layer handled is answered as a GraphQL error in
    JSON (500, ``INTERNAL_SERVER_ERROR``, with the request id that finds it in the log)
    instead of Starlette's bare ``text/plain`` page, when nothing was sent yet."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked = Tracked(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if tracked.started:
                raise
            request_id = current_request_id.get() or uuid.uuid4().hex[:16]
            log.exception("unexpected error %s", request_id)
            body = {
                "errors": [
                    {
                        "message": f"Unexpected error (request id {request_id}).",
                        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                    }
                ]
            }
            await Response(json.dumps(body), status_code=500, media_type=JSON)(scope, receive, send)
