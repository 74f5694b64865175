"""The one shape of an error the HTTP layer answers itself, before or instead of
GraphQL: a GraphQL response body holding only ``errors``.

Clients then handle a refused credential, an oversized body or a media type we
cannot produce the way they handle any GraphQL error (a ``message``, and a stable
``extensions.code`` where there is one), whichever layer refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

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
