"""Abuse limits: each configurable, each answered with a clear error."""

from __future__ import annotations

from gateway.settings import Settings
from tests.support.api import Api, running

INTROSPECT = "{ __schema { queryType { name } } }"


async def test_documents_past_the_limits_are_refused(settings: Settings) -> None:
    tight = settings.model_copy(
        update={"max_query_depth": 4, "max_query_tokens": 60, "max_aliases": 3}
    )
    async with running(tight) as api:
        deep = "{ teams { nodes { parent { parent { parent { name } } } } } }"
        error = await api.error(deep)
        assert "depth" in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        aliases = (
            "{ a: teams { totalCount } b: teams { totalCount } c: teams { totalCount } "
            "d: teams { totalCount } }"
        )
        error = await api.error(aliases)
        assert "aliases" in error["message"]
        long = "{ " + " ".join(f"t{i}: __typename" for i in range(40)) + " }"
        error = await api.error(long)
        assert "token" in error["message"].lower()
        # Within the limits, all is well.
        assert await api.data("{ teams { nodes { parent { name } } } }") == {"teams": {"nodes": []}}


async def test_page_size_is_capped(api: Api) -> None:
    error = await api.error("{ objectives(first: 1000) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert "100" in error["message"]


async def test_request_body_size_is_capped(settings: Settings) -> None:
    async with running(settings.model_copy(update={"max_body_bytes": 2_000})) as api:
        headers = await api.headers(None, None)
        padding = " " * 3_000
        response = await api.client.post(
            "/graphql", json={"query": "{ teams { totalCount } }" + padding}, headers=headers
        )
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_introspection_follows_the_store_unless_configured(settings: Settings) -> None:
    expected = not settings.database_url  # on with SQLite, off with PostgreSQL
    async with running(settings) as api:
        body = await api.post(INTROSPECT)
        assert ("errors" not in body) is expected, body
    flipped = settings.model_copy(update={"introspection": not expected})
    async with running(flipped) as api:
        body = await api.post(INTROSPECT)
        assert ("errors" in body) is expected, body


async def test_a_slow_request_is_answered_with_a_timeout(settings: Settings) -> None:
    mutation = {
        "query": 'mutation { createTeam(input: {name: "Ops", idempotencyKey: "ops"}) { id } }'
    }
    # A budget no write can meet: the client hears TIMEOUT, not whether it was applied...
    async with running(settings.model_copy(update={"request_timeout": 0.000001})) as api:
        response = await api.client.post(
            "/graphql", json=mutation, headers=await api.headers(None, None)
        )
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    # ...so it retries with the same idempotency key, and the team exists exactly once.
    async with running(settings) as api:
        response = await api.client.post(
            "/graphql", json=mutation, headers=await api.headers(None, None)
        )
        assert response.json()["data"]["createTeam"]["id"]
        assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 1
