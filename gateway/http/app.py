"""The Starlette application: GraphQL (and GraphiQL) at ``/graphql``, and probes.

Assembly only: the endpoints are module-level functions reading ``request.app.state``
(``backend``, ``stall``, and ``authenticator`` once started), and the middleware in
front of GraphQL over HTTP is a list, outermost first, each refusing what it can
before the next one does work.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from domain.application.okra import utc_now
from gateway.auth import PROVISIONER, Authenticator
from gateway.backend import Backend
from gateway.http import heap
from gateway.http.authentication import PRINCIPAL, Authenticate
from gateway.http.cache import ResultCache
from gateway.http.endpoint import OkraGraphQL
from gateway.http.errors import AnswerFaultsInJson, error_response
from gateway.http.exports import export_csv, export_xlsx
from gateway.http.graphiql import ASSETS, STATIC
from gateway.http.headers import SecurityHeaders
from gateway.http.limits import LimitBody, TimeBudget
from gateway.http.probes import Stall, healthz, metrics, readyz
from gateway.http.request_ids import RequestIds
from gateway.http.sources import push
from gateway.http.spec import GraphQLOverHTTP
from gateway.notices import Notifier
from gateway.settings import Settings


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    tune_heap: bool = False,
) -> Starlette:
    """The gateway; ``tune_heap``: set the cyclic collector for a server process (its
    thresholds, and the started heap frozen: :mod:`gateway.http.heap`)."""
    settings = settings or Settings()
    backend = Backend(settings, clock=clock, dispatch=True)
    graphql = OkraGraphQL(backend)
    over_http = [
        Middleware(LimitBody, limit=settings.max_body_bytes),
        Middleware(TimeBudget, seconds=settings.request_timeout),
        Middleware(GraphQLOverHTTP),
        Middleware(Authenticate, public_read=settings.public_read),
        # After authentication: answers are kept per principal.
        Middleware(ResultCache, backend=backend, principal_key=PRINCIPAL),
    ]
    budget = [Middleware(TimeBudget, seconds=settings.request_timeout)]
    app = Starlette(
        middleware=[
            Middleware(RequestIds),
            Middleware(SecurityHeaders),
            Middleware(AnswerFaultsInJson),
        ],
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/graphql", graphql, methods=["GET", "POST"], middleware=over_http),
            WebSocketRoute("/graphql", graphql),
            # A cycle's OKRs as a spreadsheet or CSV (gateway/http/exports.py).
            Route("/export/cycles/{cycle}.xlsx", export_xlsx, middleware=budget),
            Route("/export/cycles/{cycle}.csv", export_csv, middleware=budget),
            # PUSH data sources (issue 17): signed, not signed in.
            Route(
                "/sources/{id}",
                push,
                methods=["POST"],
                middleware=[Middleware(LimitBody, limit=settings.max_body_bytes)],
            ),
            # GraphiQL's own files (public, like its page): 3.5 MB of script, sent gzipped.
            Mount(
                ASSETS.rstrip("/"),
                app=GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=1024),
            ),
        ],
        lifespan=lifespan,
        # Starlette's own refusals (404, 405) in the one error shape, as JSON.
        exception_handlers={HTTPException: http_error},
    )
    app.state.backend = backend
    app.state.stall = Stall()
    app.state.tune_heap = tune_heap
    return app


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Runs the backend; the authenticator is made once its stores are open."""
    backend: Backend = app.state.backend
    async with backend.running(), anyio.create_task_group() as tasks:
        app.state.authenticator = Authenticator(
            backend.settings,
            backend.store,
            lambda: backend.catch_up(2.0),
            lambda command: backend.handle(command, PROVISIONER),
        )
        app.state.notifier = Notifier(backend)
        if backend.settings.notices:
            tasks.start_soon(app.state.notifier.run)
        if app.state.tune_heap:
            heap.tune()
        yield
        tasks.cancel_scope.cancel()


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return error_response(error.status_code, error.detail, headers=error.headers)


async def home(request: Request) -> Response:
    return RedirectResponse("/graphql")
