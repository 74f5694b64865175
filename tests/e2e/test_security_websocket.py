"""Security over the websocket: a signed-in socket stays signed in only while its
credential holds, and whatever a client sends, the socket answers or closes with the
protocol's code (a hypothesis suite over the graphql-transport-ws protocol).

Every test runs on both stores.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wsproto.utilities import LocalProtocolError

from gateway.settings import Settings
from tests.support.api import Api, running
from tests.support.live import PROTOCOL
from tests.support.processes import okra, store_args

# The close codes a client may be given: graphql-transport-ws's, and RFC 6455's
# "message too big".
PROTOCOL_CODES = {4400, 4401, 4403, 4409, 4429, 1009}


@contextlib.asynccontextmanager
async def socket(api: Api) -> AsyncIterator[AsyncWebSocketSession]:
    transport = ASGIWebSocketTransport(app=api.asgi)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://okra.test") as client,
        aconnect_ws("/graphql", client, subprotocols=[PROTOCOL]) as ws,
    ):
        yield ws


async def receive(ws: AsyncWebSocketSession, within: float = 15) -> dict[str, Any]:
    with anyio.fail_after(within):
        message: dict[str, Any] = await ws.receive_json()
        return message


async def closed_with(ws: AsyncWebSocketSession) -> int:
    try:
        while True:
            await receive(ws)
    except WebSocketDisconnect as closed:
        return closed.code


async def sign_in(ws: AsyncWebSocketSession, token: str) -> None:
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert (await receive(ws))["type"] == "connection_ack"


def subscribe(ws_id: str, query: str) -> dict[str, Any]:
    return {"id": ws_id, "type": "subscribe", "payload": {"query": query}}


async def revoke(api: Api, settings: Settings, token: str) -> None:
    """``okra token revoke`` in its own process, as an admin would; then the views
    catch up with it."""
    await anyio.to_thread.run_sync(
        lambda: okra("token", "revoke", api.token_ids[token], *store_args(settings))
    )
    assert await api.backend.catch_up(10)


# -- 2. Revocation reaches open sockets -------------------------------------------------


async def test_a_revoked_token_closes_its_socket_before_the_next_update(settings: Settings) -> None:
    fresh = settings.model_copy(update={"token_cache_seconds": 0})
    async with running(fresh) as api:
        team = await api.team("Acme")
        year = await api.year()
        kr = await api.key_result((await api.objective(year, team))["id"])
        watcher = await api.token("wes", "viewer")
        async with socket(api) as ws:
            await sign_in(ws, watcher)
            await ws.send_json(subscribe("bets", "subscription { betChanged { title } }"))
            await api.bet(kr["id"], title="Seen")
            update = await receive(ws)
            assert update["payload"]["data"]["betChanged"]["title"] == "Seen"
            await revoke(api, fresh, watcher)
            await api.bet(kr["id"], title="Not for a revoked token")
            assert await closed_with(ws) == 4403


async def test_a_revoked_token_can_start_nothing_on_its_open_socket(settings: Settings) -> None:
    fresh = settings.model_copy(update={"token_cache_seconds": 0})
    async with running(fresh) as api:
        writer = await api.token("wanda", "admin")
        async with socket(api) as ws:
            await sign_in(ws, writer)
            await revoke(api, fresh, writer)
            create = 'mutation { createTeam(input: {name: "After revocation"}) { id } }'
            await ws.send_json(subscribe("m", create))
            assert await closed_with(ws) == 4403
        assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 0


# -- 9. Sign-in and messages -----------------------------------------------------------


async def test_a_connection_init_with_a_non_string_authorization_is_forbidden(api: Api) -> None:
    for authorization in (5, {"token": "x"}, ["Bearer"], True):
        async with socket(api) as ws:
            await ws.send_json(
                {"type": "connection_init", "payload": {"Authorization": authorization}}
            )
            assert await closed_with(ws) == 4403


async def test_a_message_nested_too_deep_is_a_bad_message(api: Api) -> None:
    async with socket(api) as ws:
        await ws.send_text("[" * 100_000 + "]" * 100_000)
        assert await closed_with(ws) == 4400
    async with socket(api) as ws:
        await sign_in(ws, await api.token())
        deep = "[" * 2_000 + "]" * 2_000  # past the parser's depth, inside variables
        await ws.send_text(
            '{"id": "d", "type": "subscribe", "payload": {"query": "{ teams { totalCount } }",'
            f' "variables": {{"v": {deep}}}}}}}'
        )
        assert await closed_with(ws) == 4400


async def test_a_message_over_the_body_limit_is_refused(settings: Settings) -> None:
    async with running(settings.model_copy(update={"max_body_bytes": 2_000})) as api:
        token = await api.token()
        async with socket(api) as ws:
            await sign_in(ws, token)
            padding = " " * 3_000
            await ws.send_json(subscribe("big", "{ teams { totalCount } }" + padding))
            assert await closed_with(ws) == 1009


async def test_subscriptions_per_connection_are_bounded(settings: Settings) -> None:
    async with running(settings.model_copy(update={"max_subscriptions": 3})) as api:
        token = await api.token()
        async with socket(api) as ws:
            await sign_in(ws, token)
            for number in range(3):
                await ws.send_json(subscribe(str(number), "subscription { betChanged { id } }"))
            await ws.send_json(subscribe("one-too-many", "subscription { betChanged { id } }"))
            refused = await receive(ws)
            assert refused["type"] == "error" and refused["id"] == "one-too-many"
            await ws.send_json({"id": "0", "type": "complete"})
            await ws.send_json({"type": "ping"})
            assert (await receive(ws))["type"] == "pong"
            await ws.send_json(subscribe("room-again", "subscription { betChanged { id } }"))
            await ws.send_json({"type": "ping"})
            assert (await receive(ws))["type"] == "pong"  # no error: there was room


# -- The protocol, fuzzed ----------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
DOCUMENTS = st.sampled_from(
    [
        "{ teams { totalCount } }",
        'mutation { createTeam(input: {name: "Fuzzed"}) { id } }',
        "subscription { betChanged { id } }",
        "{ nope }",
        "{",
    ]
)


def messages(signed_in_payload: dict[str, Any]) -> st.SearchStrategy[Any]:
    ids = st.one_of(st.sampled_from(["1", "2"]), JSON_VALUES)
    payloads = st.one_of(
        st.fixed_dictionaries(
            {"query": st.one_of(DOCUMENTS, JSON_VALUES)},
            optional={
                "variables": JSON_VALUES,
                "operationName": JSON_VALUES,
                "extensions": JSON_VALUES,
            },
        ),
        JSON_VALUES,
    )
    return st.one_of(
        st.just({"type": "connection_init", "payload": signed_in_payload}),
        st.builds(lambda p: {"type": "connection_init", "payload": p}, JSON_VALUES),
        st.builds(lambda i, p: {"id": i, "type": "subscribe", "payload": p}, ids, payloads),
        st.builds(lambda i: {"id": i, "type": "complete"}, ids),
        st.sampled_from([{"type": "ping"}, {"type": "pong"}, {"type": "ping", "payload": 3}]),
        st.builds(lambda t: {"type": t}, JSON_VALUES),
        JSON_VALUES,
        st.text(max_size=20),  # not JSON, or JSON that is no object
    )


async def test_the_protocol_answers_or_closes_with_its_codes(api: Api) -> None:
    """Whatever a client sends: the socket keeps answering, or closes with one of the
    protocol's codes; and nothing runs for a client that never signed in."""
    token = await api.token()
    signed_in = {"Authorization": f"Bearer {token}"}
    closed: dict[int, int] = {}

    @hypothesis_settings(
        max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(st.lists(messages(signed_in), min_size=1, max_size=6))
    def fuzz(sequence: list[Any]) -> None:
        anyio.from_thread.run(attempt, sequence)

    async def attempt(sequence: list[Any]) -> None:
        async with socket(api) as ws:
            code = None
            try:
                with contextlib.suppress(LocalProtocolError):  # closed under us: read why
                    for message in [*sequence, {"type": "ping"}]:
                        text = message if isinstance(message, str) else json.dumps(message)
                        await ws.send_text(text)
                while True:  # drain until our pong, or the close
                    answer = await receive(ws, within=10)
                    if answer.get("type") == "pong":
                        break
            except WebSocketDisconnect as disconnect:
                code = disconnect.code
            if code is not None:
                assert code in PROTOCOL_CODES, (code, sequence)
                closed[code] = closed.get(code, 0) + 1

    await anyio.to_thread.run_sync(fuzz)
    assert closed, "the fuzzing reached the protocol's refusals"
    # Unsigned sockets ran nothing: only signed-in ones may have created a team, and
    # each of those was an admin's.
    trail = await api.data(
        '{ auditTrail(filter: {eventTypes: ["TeamCreated"]}) { nodes { actor } } }'
    )
    assert {entry["actor"] for entry in trail["auditTrail"]["nodes"]} <= {"admin"}
