"""The Starlette application: GraphQL (and GraphiQL) at ``/graphql``."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import anyio
import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from domain.application.okra import utc_now
from gateway.auth import Authenticator, Unauthenticated
from gateway.backend import Backend
from gateway.graphiql import EXAMPLE_DOCUMENT, example_variables, graphiql_page
from gateway.http_spec import GraphQLOverHTTP
from gateway.limits import LimitBody, TimeBudget
from gateway.observability import RequestIds
from gateway.result_cache import ResultCache
from gateway.schema import build_schema
from gateway.schema.context import Context
from gateway.schema.loaders import Loaders
from gateway.settings import Settings

PRINCIPAL = "okra.principal"


class OkraGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI app, with OKRA's per-request context and websocket sign-in."""

    def __init__(self, backend: Backend, auth: Callable[[], Authenticator]) -> None:
        super().__init__(
            build_schema(backend.settings, backend.metrics.extension()), graphql_ide="graphiql"
        )
        self.backend = backend
        self.auth = auth

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
        return HTMLResponse(graphiql_page(self.graphql_ide_html, EXAMPLE_DOCUMENT, variables))

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
        try:
            context.principal = await self.auth().principal(header)
        except Unauthenticated as error:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": str(error)}
            ) from None
        if context.principal is None and not self.backend.settings.public_read:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": "send Authorization in connection_init"}
            )


class Authenticate:
    """Checks the bearer credential of every GraphQL HTTP request before it runs.

    GraphiQL's page itself is public; everything else needs a valid token, except
    queries when ``OKRA_PUBLIC_READ`` is on (writes then answer UNAUTHENTICATED).
    """

    def __init__(self, app: ASGIApp, backend: Backend, auth: Callable[[], Authenticator]) -> None:
        self.app = app
        self.backend = backend
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_ide_page(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            principal = await self.auth().principal(request.headers.get("authorization"))
        except Unauthenticated as error:
            await _unauthenticated(str(error))(scope, receive, send)
            return
        if principal is None and not self.backend.settings.public_read:
            message = "send Authorization: Bearer <token> (see `okra token create`)"
            await _unauthenticated(message)(scope, receive, send)
            return
        scope[PRINCIPAL] = principal
        await self.app(scope, receive, send)


def _is_ide_page(scope: Scope) -> bool:
    if scope["method"] != "GET":
        return False
    headers = dict(scope["headers"])
    query = scope.get("query_string", b"")
    return b"text/html" in headers.get(b"accept", b"") and b"query=" not in query


def _unauthenticated(message: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return Response(
        json.dumps(body),
        status_code=401,
        media_type="application/json",
        headers={"WWW-Authenticate": "Bearer"},
    )


class Stall:
    """How long the views have trailed the log without moving, as probes saw it."""

    def __init__(self) -> None:
        self.position = -1
        self.since = 0.0

    def seen(self, position: int, lag: int) -> float:
        now = time.monotonic()
        if lag <= 0 or position != self.position:
            self.position = position if lag > 0 else -1
            self.since = now
        return now - self.since if lag > 0 else 0.0


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now
) -> Starlette:
    settings = settings or Settings()
    backend = Backend(settings, clock=clock)
    authenticators: list[Authenticator] = []

    def auth() -> Authenticator:
        return authenticators[0]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with backend.running():
            authenticators.append(
                Authenticator(settings, backend.store, lambda: backend.catch_up(2.0))
            )
            yield

    async def healthz(request: Request) -> Response:
        """Alive: the process answers (load balancers restart it when it does not)."""
        return JSONResponse({"status": "ok"})

    stall = Stall()

    async def readyz(request: Request) -> Response:
        """Ready: both stores answer and the views are close to the log."""
        try:
            with anyio.fail_after(settings.ready_timeout):
                position = await backend.store.position()
                head = await anyio.to_thread.run_sync(
                    backend.app.recorder.max_notification_id, abandon_on_cancel=True
                )
        except Exception as error:  # any failure to answer means not ready
            reason = str(error) or type(error).__name__
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        lag = (head or 0) - position
        stalled_for = stall.seen(position, lag)
        status = "ready"
        if lag > settings.ready_max_lag:
            status = "lagging"
        elif stalled_for > settings.ready_max_stall:
            status = "stalled"  # a small lag that never shrinks: projection keeps failing
        return JSONResponse(
            {"status": status, "position": position, "lag": lag},
            status_code=200 if status == "ready" else 503,
        )

    async def metrics(request: Request) -> Response:
        """Prometheus exposition; log head and lag are read at scrape time."""
        gauges = backend.metrics
        gauges.position.set(backend.watch.position)
        gauges.subscriptions.set(len(backend.feed.subscribers))
        with contextlib.suppress(Exception):
            with anyio.fail_after(settings.ready_timeout):
                head = await anyio.to_thread.run_sync(
                    backend.app.recorder.max_notification_id, abandon_on_cancel=True
                )
            gauges.head.set(head or 0)
            gauges.lag.set((head or 0) - backend.watch.position)
        return Response(generate_latest(gauges.registry), media_type=CONTENT_TYPE_LATEST)

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    graphql = OkraGraphQL(backend, auth)
    secured = LimitBody(
        TimeBudget(
            GraphQLOverHTTP(Authenticate(ResultCache(graphql, backend, PRINCIPAL), backend, auth)),
            settings.request_timeout,
        ),
        settings.max_body_bytes,
    )
    app = Starlette(
        middleware=[Middleware(RequestIds)],
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/graphql", secured, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    app.state.backend = backend
    return app
