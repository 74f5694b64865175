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
    # The token alone on standard output (TOKEN=$(okra token create …)), the rest on stderr.
    assert re.fullmatch(r"okra_[\w-]+\n", created.stdout), created.stdout
    assert "okra_" not in created.stderr and "Issued a member token for sam" in created.stderr
    [sam] = [t for t in tokens(settings) if t["user"] == "sam"]
    assert sam["role"] == "member" and sam["label"] == "laptop" and len(sam["teams"]) == 1
    # Ids are never cut, however narrow the terminal.
    narrow = spawn("token", "list", *store_args(settings), env={"COLUMNS": "30"})
    assert narrow.wait(timeout=60) == 0
    assert all(str(t["id"]) in narrow.output() for t in tokens(settings))
    # Any unique start of an id revokes, naming the token; an ambiguous one lists them.
    prefix = str(sam["id"])[:8]
    revoked = okra("token", "revoke", prefix, *store_args(settings))
    assert f"Revoked {sam['id']} (member token for sam, 'laptop')" in revoked.stderr
    [sam] = [t for t in tokens(settings) if t["user"] == "sam"]
    assert sam["revoked"] is not None
    ids = [str(t["id"]) for t in tokens(settings)]
    for first in {i[0] for i in ids}:
        sharing = [i for i in ids if i.startswith(first)]
        ambiguous = spawn("token", "revoke", first, *store_args(settings))
        assert (ambiguous.wait(timeout=60) != 0) == (len(sharing) > 1)
        if len(sharing) > 1:
            assert all(i in ambiguous.output() for i in sharing)
            break
    for bad in (["--role", "member", "--team", "Nowhere"], ["--role", "owner"]):
        refused = spawn("token", "create", "--user", "x", *bad, *store_args(settings))
        assert refused.wait(timeout=60) != 0


ME = {"query": "{ me { handle } }"}


async def status_of(api: Api, token: str) -> int:
    response = await api.client.post(
        "/graphql", json=ME, headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code == 401:
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return response.status_code


async def test_a_deactivated_person_s_tokens_are_refused(settings: Settings) -> None:
    async with running(settings.model_copy(update={"token_cache_seconds": 0})) as api:
        person_id, token = await api.person("leaver")
        assert await api.data("{ me { handle } }", token=token) == {"me": {"handle": "leaver"}}
        await api.mutate("deactivatePerson", "id", id=person_id)
        assert await status_of(api, token) == 401
        await api.mutate("reactivatePerson", "id", id=person_id)
        assert await status_of(api, token) == 200


async def test_a_token_from_before_people_is_adopted_by_the_person_with_its_handle(
    settings: Settings,
) -> None:
    """Issued with a free-text user and team flags, it keeps working as it was; once a
    person has its user's handle, it speaks for them: their memberships replace its flags,
    and their deactivation refuses it."""
    async with running(settings.model_copy(update={"token_cache_seconds": 0})) as api:
        acme = await api.team("Acme")
        year = await api.year()
        old = await api.token("Sam.Rivera", "member", acme)
        made = await api.mutate(
            "createObjective", "createdBy owner { handle }", token=old, cycleId=year,
            teamId=acme, title="Before people",
        )  # fmt: skip
        assert made == {"createdBy": "Sam.Rivera", "owner": None}
        assert await api.data("{ me { handle } }", token=old) == {"me": None}

        sam = await api.mutate("addPerson", "id", handle="sam.rivera", name="Sam Rivera")
        assert await api.data("{ me { handle } }", token=old) == {"me": {"handle": "sam.rivera"}}
        # Sam is in no team yet: the token's flag no longer makes them a member of Acme.
        refused = await api.refuse(
            "createObjective", token=old, cycleId=year, teamId=acme, title="After"
        )
        assert refused["extensions"]["code"] == "FORBIDDEN"
        await api.mutate("addMember", "id", teamId=acme, personId=sam["id"])
        mine = await api.mutate(
            "createObjective", "createdBy owner { handle }", token=old, cycleId=year,
            teamId=acme, title="After",
        )  # fmt: skip
        assert mine == {"createdBy": "sam.rivera", "owner": {"handle": "sam.rivera"}}
        # History from before links to the person too: the actor is their handle.
        trail = await api.data(
            "{ auditTrail(filter: {entityType: OBJECTIVE}, order: OLDEST_FIRST) { nodes { "
            "actor actorPerson { handle name } } } }"
        )
        assert {"actor": "Sam.Rivera", "actorPerson": {"handle": "sam.rivera",
                "name": "Sam Rivera"}} in trail["auditTrail"]["nodes"]  # fmt: skip
        await api.mutate("deactivatePerson", "id", id=sam["id"])
        assert await status_of(api, old) == 401


async def test_jwts_speak_for_the_person_with_their_handle_or_email(settings: Settings) -> None:
    update = {
        "jwt_secret": SECRET,
        "jwt_issuer": "https://idp.example",
        "jwt_audience": "okra",
        "token_cache_seconds": 0,
    }
    async with running(settings.model_copy(update=update)) as api:
        acme = await api.team("Acme")
        year = await api.year()
        jo = await api.mutate("addPerson", "id", handle="jo", name="Jo", email="Jo.Doe@Example.com")
        await api.mutate("addMember", "id", teamId=acme, personId=jo["id"])
        by_handle = _jwt(sub="JO", okra_role="member")  # the teams claim is not needed
        by_email = _jwt(sub="jo.doe@example.COM", okra_role="member")
        for token in (by_handle, by_email):
            assert await api.data("{ me { handle } }", token=token) == {"me": {"handle": "jo"}}
        made = await api.mutate(
            "createObjective", "createdBy owner { handle }", token=by_email, cycleId=year,
            teamId=acme, title="Mine",
        )  # fmt: skip
        assert made == {"createdBy": "jo", "owner": {"handle": "jo"}}
        # Nobody's JWT keeps the old way: its claims say who and where.
        stranger = _jwt(sub="stranger", okra_role="member", okra_teams=[acme])
        assert await api.data("{ me { handle } }", token=stranger) == {"me": None}
        assert (await api.data("{ people { totalCount } }"))["people"]["totalCount"] == 1
        await api.mutate("deactivatePerson", "id", id=jo["id"])
        assert await status_of(api, by_handle) == 401
        assert await status_of(api, by_email) == 401


async def test_jwt_users_are_added_on_first_sign_in_with_auto_provisioning(
    settings: Settings,
) -> None:
    update = {
        "jwt_secret": SECRET,
        "jwt_issuer": "https://idp.example",
        "jwt_audience": "okra",
        "jwt_auto_provision": True,
    }
    async with running(settings.model_copy(update=update)) as api:
        acme = await api.team("Acme")
        year = await api.year()
        await api.mutate("addPerson", "id", handle="kim", name="Kim Other")
        newcomer = _jwt(sub="Kim@Example.com", name="Kim Lee", okra_role="member",
                        okra_teams=[acme, "no-such-team"])  # fmt: skip
        query = "{ me { handle name email active memberships { role team { name } } } }"
        me = (await api.data(query, token=newcomer))["me"]
        suffix = me["handle"].removeprefix("kim-")
        assert len(suffix) == 6 and me["handle"] == f"kim-{suffix}"  # "kim" was taken
        assert me["name"] == "Kim Lee" and me["email"] == "Kim@Example.com" and me["active"]
        assert me["memberships"] == [{"role": "MEMBER", "team": {"name": "Acme"}}]
        made = await api.mutate(
            "createObjective", "createdBy", token=newcomer, cycleId=year, teamId=acme,
            title="Day one",
        )  # fmt: skip
        assert made == {"createdBy": me["handle"]}
        # The second sign-in finds them (by email) and adds nobody.
        again = _jwt(sub="kim@example.com", okra_role="member")
        assert (await api.data("{ me { handle } }", token=again))["me"]["handle"] == me["handle"]
        plain = _jwt(sub="lou")  # a handle: as it is; a viewer, in no team
        assert (await api.data("{ me { handle memberships { role } } }", token=plain))["me"] == {
            "handle": "lou",
            "memberships": [],
        }
        people = await api.data("{ people { totalCount } }")
        assert people["people"]["totalCount"] == 3
        added = await api.data(
            '{ auditTrail(filter: {eventTypes: ["PersonAdded"]}, order: OLDEST_FIRST) '
            "{ nodes { actor } } }"
        )
        assert [n["actor"] for n in added["auditTrail"]["nodes"]] == ["admin", "system", "system"]
        # A user claim that is neither a handle nor an email cannot name a person.
        response = await api.client.post(
            "/graphql", json=ME, headers={"Authorization": f"Bearer {_jwt(sub='auth0|42')}"}
        )
        assert response.status_code == 401
        assert "must be a handle" in response.json()["errors"][0]["message"]
