"""The GraphQL endpoint: strawberry's ASGI app, with OKRA's per-request context, the
websocket sign-in of subscriptions, and answers in JSON whatever goes wrong."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from gateway.auth import Unauthenticated
from gateway.backend import Backend
from gateway.http.authentication import PRINCIPAL, authenticator
from gateway.http.errors import error_response
from gateway.http.graphiql import (
    EXAMPLE_DOCUMENT,
    PAGE_ONLY,
    example_variables,
    graphiql_page,
)
from gateway.http.headers import graphiql_policy
from gateway.http.websocket import BoundedWebSocketAdapter, SignedInHandler, credential
from gateway.schema import build_schema
from gateway.schema.context import Context
from gateway.schema.loaders import Loaders

CREDENTIAL = "credential"  # where a websocket keeps its connection_init credential


class OkraGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI app, with OKRA's per-request context and websocket sign-in."""

    graphql_transport_ws_handler_class = SignedInHandler
    websocket_adapter_class = BoundedWebSocketAdapter

    def __init__(self, backend: Backend) -> None:
        settings = backend.settings
        super().__init__(
            build_schema(settings, backend.metrics.extension()),
            graphql_ide="graphiql",
            # graphql-transport-ws only: the legacy protocol would need every rule
            # below written twice.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.max_subscriptions,
        )
        self.backend = backend
        self.max_message_bytes = settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP answers are JSON, even strawberry's own refusals of a request (which it
        answers in plain text); GraphiQL's page request renders the page and nothing else."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        response: Response
        try:
            if scope.get(PAGE_ONLY):
                response = await self.render_graphql_ide(request)
            else:
                response = await self.run(request)
        except HTTPException as error:
            code = "BAD_USER_INPUT" if error.status_code == 400 else None
            response = error_response(error.status_code, error.reason, code=code)
        await response(scope, receive, send)

    def encode_json(self, data: object) -> str:
        """orjson: encoding is a fair share of a small answer's time. Text, not bytes:
        strawberry sends bytes over a websocket as binary frames, which
        graphql-transport-ws clients refuse. What orjson cannot encode (a lone
        surrogate) the standard library escapes, so an answer is never a fault."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data, separators=(",", ":"), default=str)

    def decode_json(self, data: str | bytes) -> object:
        """Bodies and websocket messages: anything that does not decode (not UTF-8, nested
        past the parser's depth, digits past Python's limit) is not JSON."""
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as error:
            reason = f"not JSON we can read: {type(error).__name__}"
            raise json.JSONDecodeError(reason, "", 0) from None

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        try:
            return await super().parse_http_body(request)
        except AttributeError:  # strawberry reads it as an object: a body of null, "x", 1
            raise HTTPException(400, 'send a JSON object: {"query": …, "variables": {…}}') from None

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        return False  # only PAGE_ONLY requests, decided before authentication, get the page

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL, opening on OKRA's example document with ids from this store."""
        variables = await example_variables(self.backend.store)
        cdn = self.backend.settings.graphiql_cdn
        page = graphiql_page(EXAMPLE_DOCUMENT, variables, cdn)
        return HTMLResponse(page, headers={"Content-Security-Policy": graphiql_policy(page)})

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            backend=self.backend,
            loaders=Loaders(self.backend.store),
            principal=request.scope.get(PRINCIPAL),
            request=request,
            response=response,
        )

    async def on_ws_connect(self, context: Context) -> None:
        """Subscriptions sign in with ``connection_init``'s payload."""
        try:
            context.extra[CREDENTIAL] = credential(context.connection_params)
        except ValueError as error:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": str(error)}
            ) from None
        if not await self.recheck(context):
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": "send Authorization in connection_init"}
            )

    async def recheck(self, context: Context) -> bool:
        """Whether the socket's credential still names a principal allowed in; the
        principal is refreshed (a role may have changed since the last check)."""
        assert context.request is not None  # get_context always passes the websocket
        try:
            principal = await authenticator(context.request.scope).principal(
                context.extra.get(CREDENTIAL)
            )
        except Unauthenticated:
            return False
        if principal is None and not self.backend.settings.public_read:
            return False
        context.principal = principal
        return True
