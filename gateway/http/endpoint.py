"""The GraphQL endpoint: strawberry's ASGI app, with OKRA's per-request context and
the websocket sign-in of subscriptions."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from gateway.auth import Unauthenticated
from gateway.backend import Backend
from gateway.http.authentication import PRINCIPAL, authenticator
from gateway.http.graphiql import EXAMPLE_DOCUMENT, example_variables, graphiql_page
from gateway.schema import build_schema
from gateway.schema.context import Context
from gateway.schema.loaders import Loaders


class OkraGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI app, with OKRA's per-request context and websocket sign-in."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(
            build_schema(backend.settings, backend.metrics.extension()), graphql_ide="graphiql"
        )
        self.backend = backend

    def encode_json(self, data: object) -> str:
        """orjson: encoding is a fair share of a small answer's time. Text, not bytes:
        strawberry sends bytes over a websocket as binary frames, which
        graphql-transport-ws clients refuse. (Bodies are still decoded by the standard
        library, which lets lone surrogates through to the input rules, whose error
        names the field.)"""
        return orjson.dumps(data).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL, opening on OKRA's example document with ids from this store."""
        variables = await example_variables(self.backend.store)
        cdn = self.backend.settings.graphiql_cdn
        return HTMLResponse(graphiql_page(EXAMPLE_DOCUMENT, variables, cdn))

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
        params: Any = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        assert context.request is not None  # get_context always passes the websocket
        try:
            context.principal = await authenticator(context.request.scope).principal(header)
        except Unauthenticated as error:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": str(error)}
            ) from None
        if context.principal is None and not self.backend.settings.public_read:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": "send Authorization in connection_init"}
            )
