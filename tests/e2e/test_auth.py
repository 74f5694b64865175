"""Authentication: API tokens, JWTs, public reads and signed-in subscriptions."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import jwt
import pytest
from httpx_ws import WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from domain.application import commands as c
from gateway.settings import Settings
from tests.support.api import Api, running
from tests.support.live import PROTOCOL, subscribe
from tests.support.pgcluster import free_port
from tests.support.processes import okra, spawn, store_args, wait_until_up

QUERY = {"query": "{ teams { totalCount } }"}
SECRET = "a-test-secret-of-at-least-32-bytes!!"


async def test_requests_without_a_valid_token_are_refused(api: Api) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer okra_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not.a.jwt"},
    ):
        response = await api.client.post("/graphql", json=QUERY, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200  # GraphiQL itself is public: it asks for the token


async def test_a_revoked_token_stops_working(settings: Settings) -> None:
    async with running(settings.model_copy(update={"token_cache_seconds": 0})) as api:
        secret = await api.token("temp", "viewer")
        assert (await api.data("{ teams { totalCount } }", token=secret))["teams"]
        saved = api.backend.app.handle(c.RevokeToken(id=api.token_ids[secret]), "tests")
        await api.backend.watch.wait_for(saved.position, seconds=10)
        response = await api.client.post(
            "/graphql", json=QUERY, headers={"Authorization": f"Bearer {secret}"}
        )
        assert response.status_code == 401


async def test_public_read_serves_queries_but_never_anonymous_writes(settings: Settings) -> None:
    async with running(settings.model_copy(update={"public_read": True})) as api:
        response = await api.client.post("/graphql", json=QUERY)
        assert response.json() == {"data": {"teams": {"totalCount": 0}}}
        write = await api.client.post(
            "/graphql", json={"query": 'mutation { createTeam(input: {name: "X"}) { id } }'}
        )
        assert write.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 0


def _jwt(**claims: object) -> str:
    now = int(time.time())
    payload = {
        "iss": "https://idp.example",
        "aud": "okra",
        "sub": "jo",
        "exp": now + 300,
        "iat": now,
        **claims,
    }
    return jwt.encode(payload, SECRET, algorithm="HS256")


async def test_jwts_from_an_identity_provider(settings: Settings) -> None:
    update = {
        "jwt_secret": SECRET,
        "jwt_issuer": "https://idp.example",
        "jwt_audience": "okra",
    }
    async with running(settings.model_copy(update=update)) as api:
        team = await api.team("Acme")
        year = await api.year()
        member = _jwt(okra_role="member", okra_teams=[team])
        created = await api.mutate(
            "createObjective", "createdBy", token=member, cycleId=year, teamId=team, title="IdP"
        )
        assert created == {"createdBy": "jo"}
        viewer = _jwt()  # no role claim: a viewer
        error = await api.refuse(
            "createObjective", token=viewer, cycleId=year, teamId=team, title="Nope"
        )
        assert error["extensions"]["code"] == "FORBIDDEN"
        forged = jwt.encode(
            {
                "sub": "jo",
                "aud": "okra",
                "iss": "https://idp.example",
                "exp": int(time.time()) + 60,
                "okra_role": "admin",
            },
            "another-secret-of-32-bytes-long!!!",
            algorithm="HS256",
        )
        for bad in (
            _jwt(aud="someone-else"),
            _jwt(iss="https://evil.example"),
            _jwt(exp=int(time.time()) - 3600),
            _jwt(okra_role="owner"),
            _jwt(okra_teams="not-a-list"),
            forged,
        ):
            response = await api.client.post(
                "/graphql", json=QUERY, headers={"Authorization": f"Bearer {bad}"}
            )
            assert response.status_code == 401


def test_jwt_settings_demand_issuer_and_audience() -> None:
    with pytest.raises(ValueError, match="ISSUER"):
        Settings(jwt_secret=SECRET)


def _disconnect(error: BaseException) -> WebSocketDisconnect | None:
    """The WebSocketDisconnect inside anyio's exception groups, if any."""
    if isinstance(error, WebSocketDisconnect):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _disconnect(inner)
        if found is not None:
            return found
    return None


async def _connection_refusal(client: httpx.AsyncClient, init: dict[str, Any]) -> int:
    try:
        async with aconnect_ws("/graphql", client, subprotocols=[PROTOCOL]) as ws:
            await ws.send_json({"type": "connection_init", "payload": init})
            await ws.receive_json()
    except BaseException as error:
        found = _disconnect(error)
        if found is None:
            raise
        return found.code
    raise AssertionError("the connection was accepted")


async def test_subscriptions_sign_in_with_connection_init(api: Api) -> None:
    transport = ASGIWebSocketTransport(app=api.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://okra.test") as client:
        assert await _connection_refusal(client, {}) == 4403
        assert await _connection_refusal(client, {"Authorization": "Bearer okra_bad"}) == 4403
        token = await api.token()
        async with subscribe(
            client,
            "subscription { teamsSeen: objectiveChanged { id } }",
            init_payload={"Authorization": f"Bearer {token}"},
        ) as live:
            await live.nothing_within(0.2)


def tokens(settings: Settings) -> list[dict[str, Any]]:
    listed = okra("token", "list", "--json", *store_args(settings)).stdout
    return [json.loads(line) for line in listed.splitlines() if line.strip()]


def _serve_once(settings: Settings) -> str:
    """Start ``okra serve``, wait until it answers, stop it; what it printed."""
    port = free_port()
    serve = spawn("serve", "--port", str(port), *store_args(settings))
    try:
        wait_until_up(f"http://127.0.0.1:{port}", serve)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    return serve.output()


def test_secure_by_default_serve_issues_one_admin_token(settings: Settings) -> None:
    printed = _serve_once(settings)
    secret = re.search(r"okra_[\w-]+", printed)
    assert secret is not None
    assert f'{{"Authorization": "Bearer {secret.group()}"}}' in printed
    [admin] = tokens(settings)
    assert admin["role"] == "admin" and admin["revoked"] is None
    _serve_once(settings)
    assert len(tokens(settings)) == 1  # only an empty store gets one


def test_token_commands(settings: Settings) -> None:
    okra("demo", *store_args(settings))
    created = okra(
        "token",
        "create",
        "--user",
        "sam",
        "--role",
        "member",
        "--team",
        "Sales",
        "--label",
        "laptop",
        *store_args(settings),
    )
    assert "okra_" in created.stderr
    [sam] = [t for t in tokens(settings) if t["user"] == "sam"]
    assert sam["role"] == "member" and sam["label"] == "laptop" and len(sam["teams"]) == 1
    okra("token", "revoke", str(sam["id"]), *store_args(settings))
    [sam] = [t for t in tokens(settings) if t["user"] == "sam"]
    assert sam["revoked"] is not None
    for bad in (["--role", "member", "--team", "Nowhere"], ["--role", "owner"]):
        refused = spawn("token", "create", "--user", "x", *bad, *store_args(settings))
        assert refused.wait(timeout=60) != 0
