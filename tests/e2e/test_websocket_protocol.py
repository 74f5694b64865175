"""The graphql-transport-ws protocol, message by message, as its specification has it.

Client libraries only show the happy path; these close codes are what a client that
misbehaves (or is not signed in) must get, so that it can tell why it was cut off.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from tests.support.api import Api
from tests.support.live import PROTOCOL


@contextlib.asynccontextmanager
async def socket(api: Api) -> AsyncIterator[AsyncWebSocketSession]:
    transport = ASGIWebSocketTransport(app=api.asgi)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://okra.test") as client,
        aconnect_ws("/graphql", client, subprotocols=[PROTOCOL]) as ws,
    ):
        assert ws.subprotocol == PROTOCOL
        yield ws


async def receive(ws: AsyncWebSocketSession) -> dict[str, Any]:
    with anyio.fail_after(15):
        message: dict[str, Any] = await ws.receive_json()
        return message


async def closed_with(ws: AsyncWebSocketSession) -> int:
    with pytest.raises(WebSocketDisconnect) as closed:
        await receive(ws)
    return closed.value.code


async def signed_in(api: Api, ws: AsyncWebSocketSession) -> None:
    init = {"Authorization": f"Bearer {await api.token()}"}
    await ws.send_json({"type": "connection_init", "payload": init})
    assert (await receive(ws))["type"] == "connection_ack"


async def test_queries_mutations_pings_and_errors_over_the_socket(api: Api) -> None:
    async with socket(api) as ws:
        await signed_in(api, ws)
        await ws.send_json({"type": "ping"})
        assert (await receive(ws))["type"] == "pong"

        create = 'mutation { createTeam(input: {name: "Over ws"}) { name } }'
        await ws.send_json({"id": "m", "type": "subscribe", "payload": {"query": create}})
        assert await receive(ws) == {
            "id": "m",
            "type": "next",
            "payload": {"data": {"createTeam": {"name": "Over ws"}}},
        }
        assert await receive(ws) == {"id": "m", "type": "complete"}

        count = "{ teams { totalCount } }"
        await ws.send_json({"id": "q", "type": "subscribe", "payload": {"query": count}})
        answer = await receive(ws)
        assert answer["payload"] == {"data": {"teams": {"totalCount": 1}}}
        assert await receive(ws) == {"id": "q", "type": "complete"}

        # A document that does not validate is an `error` message, and the socket stays.
        await ws.send_json({"id": "e", "type": "subscribe", "payload": {"query": "{ nope }"}})
        error = await receive(ws)
        assert error["type"] == "error" and error["id"] == "e"
        assert "nope" in error["payload"][0]["message"]
        await ws.send_json({"type": "ping"})
        assert (await receive(ws))["type"] == "pong"


async def test_a_client_can_stop_a_subscription(api: Api) -> None:
    team = await api.team("Acme")
    async with socket(api) as ws:
        await signed_in(api, ws)
        live = {"query": "subscription { betChanged { title } }"}
        await ws.send_json({"id": "s", "type": "subscribe", "payload": live})
        await anyio.sleep(0.2)
        await ws.send_json({"id": "s", "type": "complete"})
        await anyio.sleep(0.2)
        year = await api.year()
        kr = await api.key_result((await api.objective(year, team))["id"])
        await api.bet(kr["id"])
        with anyio.move_on_after(0.5):
            message = await ws.receive_json()
            raise AssertionError(f"a completed subscription still sent {message}")


async def test_subscribing_before_connection_init_is_unauthorized(api: Api) -> None:
    async with socket(api) as ws:
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        assert await closed_with(ws) == 4401


async def test_a_connection_without_credentials_is_forbidden(api: Api) -> None:
    async with socket(api) as ws:
        await ws.send_json({"type": "connection_init", "payload": {}})
        assert await closed_with(ws) == 4403
    async with socket(api) as ws:
        bad = {"Authorization": "Bearer okra_not-a-token"}
        await ws.send_json({"type": "connection_init", "payload": bad})
        assert await closed_with(ws) == 4403


async def test_protocol_violations_close_the_socket_with_their_codes(api: Api) -> None:
    async with socket(api) as ws:
        await signed_in(api, ws)
        await ws.send_json({"type": "connection_init", "payload": {}})
        assert await closed_with(ws) == 4429  # too many initialisation requests
    async with socket(api) as ws:
        await signed_in(api, ws)
        live = {"query": "subscription { betChanged { title } }"}
        await ws.send_json({"id": "same", "type": "subscribe", "payload": live})
        await ws.send_json({"id": "same", "type": "subscribe", "payload": live})
        assert await closed_with(ws) == 4409  # subscriber for that id already exists
    async with socket(api) as ws:
        await signed_in(api, ws)
        await ws.send_json({"type": "no-such-message"})
        assert await closed_with(ws) == 4400
