"""What operators and orchestrators ask of a running gateway: liveness, readiness and
Prometheus metrics.

The endpoints are plain functions that find the backend in ``request.app.state``
(set by :func:`gateway.http.app.create_app`), so one module serves every app.
"""

from __future__ import annotations

import contextlib
import time
from typing import cast

import anyio
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.backend import Backend


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


def backend_of(request: Request) -> Backend:
    return cast(Backend, request.app.state.backend)


async def healthz(request: Request) -> Response:
    """Alive: the process answers (load balancers restart it when it does not)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready: both stores answer and the views are close to the log."""
    backend = backend_of(request)
    settings = backend.settings
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
    stall: Stall = request.app.state.stall
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
    backend = backend_of(request)
    gauges = backend.metrics
    gauges.position.set(backend.watch.position)
    gauges.subscriptions.set(len(backend.feed.subscribers))
    with contextlib.suppress(Exception):
        with anyio.fail_after(backend.settings.ready_timeout):
            head = await anyio.to_thread.run_sync(
                backend.app.recorder.max_notification_id, abandon_on_cancel=True
            )
        gauges.head.set(head or 0)
        gauges.lag.set((head or 0) - backend.watch.position)
    return Response(generate_latest(gauges.registry), media_type=CONTENT_TYPE_LATEST)
