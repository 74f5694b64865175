"""A graphql-transport-ws client for the tests (in-process ASGI or a real server)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws

PROTOCOL = "graphql-transport-ws"
_ids = itertools.count(1)


class Live:
    def __init__(self, ws: AsyncWebSocketSession, operation_id: str) -> None:
        self.ws = ws
        self.operation_id = operation_id

    async def next(self, within: float = 15) -> dict[str, Any]:
        """The next result's data (fails on errors, completion or a wait past ``within``)."""
        with anyio.fail_after(within):
            while True:
                message = await self.ws.receive_json()
                if message["type"] == "ping":
                    await self.ws.send_json({"type": "pong"})
                    continue
                assert message.get("id") == self.operation_id, message
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message
                data: dict[str, Any] = message["payload"]["data"]
                return data

    async def nothing_within(self, seconds: float) -> None:
        """Assert that no result arrives within ``seconds``."""
        with anyio.move_on_after(seconds):
            message = await self.ws.receive_json()
            raise AssertionError(f"unexpected message {message}")


@contextlib.asynccontextmanager
async def subscribe(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    init_payload: dict[str, Any] | None = None,
    url: str = "/graphql",
) -> AsyncIterator[Live]:
    ws: AsyncWebSocketSession
    async with aconnect_ws(url, client, subprotocols=[PROTOCOL]) as ws:
        await ws.send_json({"type": "connection_init", "payload": init_payload or {}})
        with anyio.fail_after(15):
            ack = await ws.receive_json()
        assert ack["type"] == "connection_ack", ack
        operation_id = str(next(_ids))
        await ws.send_json(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
        yield Live(ws, operation_id)
        await ws.send_json({"id": operation_id, "type": "complete"})
