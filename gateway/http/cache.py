"""Whole answers to queries, kept while the views they were read from stay put.

A dashboard is asked far more often than the organisation changes, and resolving one
(hundreds of fields through strawberry) costs ten times what reading its documents
does. So an answer is kept, keyed by the request (method, query string, body, Accept,
the principal, and the day, which the audit judges on) and stored with the log
position the views had *before* it was computed. It is served again only to a
request that finds the views at that same position. That can never serve stale
data: views only move forward, so everything the answer read was at least as new as
that position, and a request finding the views there could not have seen more; any
new event moves the position and with it every key. The position is read from the
store's tracking row (one small query), not from this process's watch, so answers
stay exact when another process projects.

Only successful queries are kept (a strawberry extension marks them, see
:mod:`gateway.schema.cacheable`): mutations,
errors and subscriptions never are. Memory is bounded by :data:`MAX_BYTES`. While an
answer is being computed, the same request at the same position waits for it
instead of computing it too (no stampede after each event).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.schema.cacheable import CACHEABLE

if TYPE_CHECKING:
    from gateway.backend import Backend

MAX_BYTES = 32_000_000  # of kept answers and their keys, all told
MAX_ANSWER = 2_000_000  # one answer larger than this is not kept
MAX_ANSWERS = 20_000  # however small they are
ENTRY_OVERHEAD = 512  # bytes an entry costs besides its body (key, headers, bookkeeping)


@dataclass
class Answer:
    position: int
    start: Message
    body: bytes


class ResultCache:
    """ASGI middleware in front of the GraphQL HTTP endpoint (after authentication)."""

    def __init__(self, app: ASGIApp, backend: Backend, principal_key: str) -> None:
        self.app = app
        self.backend = backend
        self.principal_key = principal_key
        self.answers: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        # Answers being computed: the same request arriving meanwhile waits for it
        # rather than computing it again (after each event, a popular dashboard is
        # asked by many at once).
        self.computing: dict[tuple[Any, ...], asyncio.Future[None]] = {}
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        body, receive = await _read_body(receive)
        principal = scope.get(self.principal_key)
        headers = dict(scope["headers"])
        # The request by digest, not by its bytes: a body may be 256 kB, an answer 30.
        request = hashlib.sha256(scope.get("query_string", b""))
        request.update(b"\0")
        request.update(body)
        key = (
            scope["method"],
            request.digest(),
            headers.get(b"accept", b""),
            headers.get(b"content-type", b""),
            None
            if principal is None
            else (principal.user, principal.role, tuple(sorted(principal.team_ids))),
            self.backend.clock().date(),
        )
        position = await self.backend.store.position()
        # Mutations never wait for each other here (a retry may race its first try).
        coalesce = b"mutation" not in body
        computing = self.computing.get((key, position)) if coalesce else None
        if computing is not None:  # the same request at the same position: its answer
            await asyncio.shield(computing)
        answer = self.answers.get(key)
        if answer is not None and answer.position == position:
            self.answers.move_to_end(key)
            self.backend.metrics.cache_hits.inc()
            # A copy: middleware outside adds its headers (a request id) to the message.
            await send({**answer.start, "headers": list(answer.start.get("headers", []))})
            await send({"type": "http.response.body", "body": answer.body})
            return
        if computing is not None or not coalesce:  # not kept (an error), or a mutation
            await self._compute(key, position, scope, receive, send)
            return
        done = asyncio.get_running_loop().create_future()
        self.computing[(key, position)] = done
        try:
            await self._compute(key, position, scope, receive, send)
        finally:
            self.computing.pop((key, position), None)
            done.set_result(None)

    async def _compute(
        self, key: tuple[Any, ...], position: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if start is None or start["status"] != 200 or not scope.get(CACHEABLE):
            return
        self.keep(key, Answer(position, start, b"".join(chunks)))

    def keep(self, key: tuple[Any, ...], answer: Answer) -> None:
        if len(answer.body) > MAX_ANSWER:
            return
        old = self.answers.get(key)
        if old is not None:
            if old.position > answer.position:
                return  # a newer answer is already kept
            self.size -= _cost(key, old)
        self.answers[key] = answer
        self.answers.move_to_end(key)
        self.size += _cost(key, answer)
        while (self.size > MAX_BYTES or len(self.answers) > MAX_ANSWERS) and self.answers:
            evicted_key, evicted = self.answers.popitem(last=False)
            self.size -= _cost(evicted_key, evicted)
        self.backend.metrics.cache_bytes.set(self.size)
        self.backend.metrics.cache_entries.set(len(self.answers))


def _cost(key: tuple[Any, ...], answer: Answer) -> int:
    """What an entry holds in memory, roughly: its body, headers and key."""
    headers = sum(len(k) + len(v) for k, v in answer.start.get("headers", []))
    keyed = sum(len(part) for part in key if isinstance(part, bytes))
    return len(answer.body) + headers + keyed + ENTRY_OVERHEAD


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a ``receive`` that hands it to the app again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
