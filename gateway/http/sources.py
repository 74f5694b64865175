"""``POST /sources/{id}``: where a PUSH data source's system sends numbers.

No bearer token: the request is signed the Standard Webhooks way with the source's own
secret (answered once by connectDataSource), and verified with the ``standardwebhooks``
package (``webhook-id``, ``webhook-timestamp`` within 5 minutes, ``webhook-signature``).
The body is ``{"value": <number>}``. A number equal to the key result's current value
records no check-in; a replayed message (its ``webhook-id`` again) changes nothing.
Answers: 200 ``{"recorded": true|false}``; 401 for a bad
signature; 404 for no such PUSH source (connected); 400 for a body without a number.
"""

from __future__ import annotations

import json
import logging

import anyio
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.application.handlers.data_sources import RECORDED, actor_of, run_spec
from domain.model.data_source import SourceKind
from domain.model.errors import DomainError
from gateway.backend import Backend
from gateway.http.errors import error_response
from gateway.sources.reading import ReadFailed, number

log = logging.getLogger("okra.sources")


async def push(request: Request) -> Response:
    backend: Backend = request.app.state.backend
    source_id = request.path_params["id"]
    try:
        spec = await anyio.to_thread.run_sync(run_spec, backend.app, actor_of(source_id), source_id)
    except DomainError:
        spec = None
    if spec is None or spec.kind != SourceKind.PUSH:
        return error_response(404, "no connected PUSH data source has that id", code="NOT_FOUND")
    if spec.secret is None:
        log.warning("the signing secret of data source %s cannot be opened", source_id)
        return error_response(401, "the signature does not verify", code="UNAUTHENTICATED")
    body = await request.body()
    try:
        payload = Webhook(spec.secret).verify(body, dict(request.headers))
    except WebhookVerificationError:
        return error_response(401, "the signature does not verify", code="UNAUTHENTICATED")
    except (ValueError, json.JSONDecodeError):
        return error_response(400, "the body is not JSON", code="BAD_USER_INPUT")
    try:
        if not isinstance(payload, dict) or "value" not in payload:
            raise ReadFailed('the body must be {"value": <number>}')
        value = number(payload["value"], "value")
    except ReadFailed as refused:
        return error_response(400, str(refused), code="BAD_USER_INPUT")
    try:
        saved = await backend.sources.push(source_id, value, request.headers["webhook-id"])
    except DomainError as refused:
        return error_response(400, str(refused), code=refused.code)
    return JSONResponse({"recorded": RECORDED in saved.notes, "id": source_id})
