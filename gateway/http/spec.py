"""GraphQL over HTTP, as the specification has it, around strawberry's ASGI app.

strawberry answers ``application/json`` with 200 for any GraphQL result. This layer
adds what the GraphQL-over-HTTP specification asks beyond that: content negotiation
of ``application/graphql-response+json`` (with 4xx for request errors, whose
responses carry no ``data``), 405 for mutations over GET, 406 for media types we
cannot produce and 415 for bodies we cannot read.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.types import Message, Receive, Scope, Send

from gateway.http.errors import JSON, error_response
from gateway.http.graphiql import is_page_request
from gateway.http.middleware import HttpOnly

GRAPHQL_RESPONSE = "application/graphql-response+json"


def negotiate(accept: str) -> str | None:
    """The response media type for an Accept header; ``None`` if we offer none of it."""
    if not accept.strip():
        return JSON  # legacy clients send no Accept: they get application/json
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        offered = {
            GRAPHQL_RESPONSE: GRAPHQL_RESPONSE,
            JSON: JSON,
            # Wildcards (curl and most libraries send */*) keep the legacy type.
            "application/*": JSON,
            "*/*": JSON,
        }.get(media.lower())
        if offered and quality > 0:
            candidate = (quality, -position, offered)
            if best is None or candidate > best:
                best = candidate
    return best[2] if best else None


def _is_mutation(query: str, operation_name: str | None) -> bool:
    """Whether the operation a GET would run is not a query.

    The specification judges the operation that ``operationName`` selects, so a
    document that holds a mutation beside the query it names may still use GET.
    """
    try:
        document = parse(query)
    except (GraphQLError, RecursionError):
        return False  # strawberry answers the syntax error
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [d for d in operations if d.name and d.name.value == operation_name]
    elif len(operations) > 1:
        return False  # strawberry answers that operationName is needed
    return any(d.operation != OperationType.QUERY for d in operations)


class GraphQLOverHTTP(HttpOnly):
    """ASGI middleware in front of strawberry's HTTP handling (see the module's text)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        accept = headers.get("accept", "")
        method = scope["method"]
        if is_page_request(scope):
            await self.app(scope, receive, send)  # GraphiQL's page
            return
        media = negotiate(accept)
        if media is None:
            message = f"cannot answer with {accept}; accept {GRAPHQL_RESPONSE}"
            await error_response(406, message)(scope, receive, send)
            return
        if method == "POST":
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type not in (JSON, "application/graphql+json"):
                message = f"send the request as {JSON}"
                await error_response(415, message, media_type=media)(scope, receive, send)
                return
        if method == "GET":
            params = parse_qs(scope["query_string"].decode("latin-1"))
            query = params.get("query", [""])[0]
            if _is_mutation(query, params.get("operationName", [None])[0]):
                await error_response(
                    405,
                    "only queries may use GET: send mutations with POST",
                    media_type=media,
                    headers={"Allow": "POST"},
                )(scope, receive, send)
                return
        if media == JSON:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _Rewrite(send))


class _Rewrite:
    """Buffers strawberry's JSON answer to re-label it and pick the spec's status."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        status = self.start["status"]
        headers = [
            (k, v)
            for k, v in self.start.get("headers", [])
            if k.lower() not in (b"content-type", b"content-length")
        ]
        body = self.body
        try:
            result = json.loads(body)
        except ValueError:
            result = None
        if isinstance(result, dict) and status == 200:
            errors = result.get("errors") or []
            request_error = (
                result.get("data") is None and errors and all("path" not in e for e in errors)
            )
            if request_error:
                # A request error: the operation never ran, so there is no data entry.
                status = 400
                body = json.dumps({k: v for k, v in result.items() if k != "data"}).encode()
        headers += [
            (b"content-type", GRAPHQL_RESPONSE.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await self.send({**self.start, "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})
