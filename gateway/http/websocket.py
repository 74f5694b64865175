"""graphql-transport-ws, held to the same rules as HTTP: a signed-in socket stays
signed in only while its credential holds, messages are bounded, and a message that
is not what the protocol says closes the socket with the protocol's code.

strawberry runs the protocol; this module narrows what it accepts:

- **Sign-in that lasts only as long as the credential.** The credential sent in
  ``connection_init`` is checked again, through the same
  :class:`~gateway.auth.Authenticator` that HTTP uses, before every operation the
  client starts and before every update pushed to it. So whatever makes the
  authenticator refuse a credential (a revoked token, an expired JWT, anything added
  there later) closes open sockets with ``4403`` too, within the authenticator's own
  cache time (``OKRA_TOKEN_CACHE_SECONDS``), and a changed role applies at once to
  what the socket does next.
- **Bounded messages.** A message over ``OKRA_MAX_BODY_BYTES`` closes the socket with
  ``1009`` (message too big) before it is parsed; one nested too deeply to parse, or
  not a JSON object, is a bad message (``4400``).
- **Well-formed messages only.** Ids, payloads, queries and variables of the types the
  protocol gives them, else ``4400``, instead of a handler that crashes and drops the
  socket with no code.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from json import JSONDecodeError
from typing import Any, cast

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from gateway.schema.context import Context

log = logging.getLogger("okra.websocket")

FORBIDDEN = 4403  # graphql-transport-ws: the credential is missing, bad or no longer holds
BAD_MESSAGE = 4400
TOO_BIG = 1009  # RFC 6455: a message too big to process
INTERNAL = 4500

# Each message type's fields and the types they must have (None: may be left out).
_SHAPES: dict[str, dict[str, tuple[type, ...]]] = {
    "connection_init": {"payload": (dict, type(None))},
    "ping": {"payload": (dict, type(None))},
    "pong": {"payload": (dict, type(None))},
    "subscribe": {"id": (str,), "payload": (dict,)},
    "complete": {"id": (str,)},
}
_REQUIRED = {"subscribe": ("id", "payload"), "complete": ("id",)}
_SUBSCRIBE_PAYLOAD: dict[str, tuple[type, ...]] = {
    "query": (str,),
    "variables": (dict, type(None)),
    "operationName": (str, type(None)),
    "extensions": (dict, type(None)),
}


def malformed(message: object) -> str | None:
    """What is wrong with a client message, or None when it has the protocol's shape."""
    if not isinstance(message, dict):
        return "a message is a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in _SHAPES:
        return f"unknown message type {kind!r}"[:100]
    for name in _REQUIRED.get(kind, ()):
        if name not in message:
            return f"a {kind} message needs {name}"
    for name, types in _SHAPES[kind].items():
        if name in message and not isinstance(message[name], types):
            return f"{kind}.{name} has the wrong type"
    if kind == "subscribe":
        payload = message["payload"]
        if "query" not in payload:
            return "a subscribe message needs payload.query"
        for name, types in _SUBSCRIBE_PAYLOAD.items():
            if name in payload and not isinstance(payload[name], types):
                return f"subscribe.payload.{name} has the wrong type"
    return None


Recheck = Callable[[Context], Awaitable[bool]]


class SignedInHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, re-checking the credential before each
    operation and each pushed result, and refusing malformed messages with 4400."""

    async def handle_message(self, message: Message) -> None:
        problem = malformed(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        if (
            message["type"] == "subscribe"
            and self.connection_acknowledged
            and not await self._still_signed_in()
        ):
            return
        await super().handle_message(message)

    async def send_message(self, message: Message) -> None:
        if message["type"] == "next" and not await self._still_signed_in():
            return
        await super().send_message(message)

    async def _still_signed_in(self) -> bool:
        """Whether the connection's credential still holds; if not, the socket is closed."""
        recheck = cast(Recheck, self.view.recheck)  # type: ignore[attr-defined]
        try:
            holds = await recheck(self.context)
        except Exception:  # the check itself failed (a store down): refuse, say why in the log
            log.exception("could not check a websocket's credential again")
            await self._close(INTERNAL, "could not check the credential")
            return False
        if not holds:
            await self._close(FORBIDDEN, "Forbidden: the credential no longer holds")
        return holds

    async def _close(self, code: int, reason: str) -> None:
        # A second close (an operation's push racing another) is harmless: ignore it.
        with contextlib.suppress(RuntimeError):
            await self.websocket.close(code=code, reason=reason)


class BoundedWebSocketAdapter(ASGIWebSocketAdapter):
    """strawberry's adapter, refusing messages over the body limit before parsing them."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        limit: int = self.view.max_message_bytes  # type: ignore[attr-defined]
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if len(text) > limit // 4 and len(text.encode("utf-8", "surrogatepass")) > limit:
                    await self.close(TOO_BIG, f"a message may hold at most {limit} bytes")
                    return
                try:
                    yield self.view.decode_json(text)
                except JSONDecodeError as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
        except KeyError as error:  # a binary frame: no "text" in the ASGI message
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass


def credential(params: Any) -> str | None:
    """The ``Authorization`` of a ``connection_init`` payload; ``ValueError`` when it is
    there but not text (a number, an object)."""
    if not isinstance(params, dict):
        return None
    value = params.get("Authorization", params.get("authorization"))
    if value is not None and not isinstance(value, str):
        raise ValueError("Authorization must be a string: Bearer <token>")
    return value or None
