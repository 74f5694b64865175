"""Operating OKRA: health, readiness, metrics and request ids."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import httpx

from domain.application import commands as c
from gateway.settings import Settings
from tests.support.api import Api, running
from tests.support.processes import Gateway


async def test_health_readiness_and_metrics(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    await api.team("Acme")
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["lag"] == 0
    await api.data("{ teams { totalCount } }")
    metrics = (await api.client.get("/metrics")).text
    assert 'okra_graphql_request_seconds_count{operation="mutation:createTeam"} 1.0' in metrics
    assert 'okra_graphql_request_seconds_count{operation="query:teams"} 1.0' in metrics
    appended = next(
        float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("okra_events_appended_total")
    )
    assert appended >= 1
    assert "okra_projection_lag_events 0.0" in metrics
    assert "okra_subscriptions 0.0" in metrics


async def test_request_ids_are_echoed_and_errors_are_counted(api: Api) -> None:
    headers = {**await api.headers(None, None), "X-Request-ID": "trace-123"}
    response = await api.client.post(
        "/graphql", json={"query": "{ teams { totalCount } }"}, headers=headers
    )
    assert response.headers["x-request-id"] == "trace-123"
    generated = await api.client.post(
        "/graphql",
        json={"query": "{ teams { totalCount } }"},
        headers={**headers, "X-Request-ID": "not a sane id!"},
    )
    assert generated.headers["x-request-id"] != "not a sane id!"
    await api.refuse("createTeam", name=" ")
    metrics = (await api.client.get("/metrics")).text
    assert 'okra_graphql_errors_total{code="BAD_USER_INPUT"} 1.0' in metrics


def metric(metrics: str, name: str) -> float:
    """The value of an unlabelled sample in a Prometheus exposition."""
    return next(float(line.split()[-1]) for line in metrics.splitlines() if line.split()[0] == name)


async def test_readiness_fails_when_the_views_lag_past_the_bound(settings: Settings) -> None:
    # No projector: what is appended stays unprojected, as behind a stalled projector.
    # Each write below is one event (a new team is more: its place in the team tree).
    lagging = settings.model_copy(update={"projector": False, "ready_max_lag": 1})
    async with running(lagging) as api:
        assert (await api.client.get("/readyz")).json()["status"] == "ready"
        app = api.backend.app
        await anyio.to_thread.run_sync(
            lambda: app.handle(c.AddPerson(handle="one", name="One"), "tests")
        )
        within = await api.client.get("/readyz")
        assert within.status_code == 200 and within.json()["lag"] == 1
        await anyio.to_thread.run_sync(
            lambda: app.handle(c.AddPerson(handle="two", name="Two"), "tests")
        )
        behind = await api.client.get("/readyz")
        assert behind.status_code == 503
        assert behind.json() == {"status": "lagging", "position": 0, "lag": 2}
        metrics = (await api.client.get("/metrics")).text
        assert metric(metrics, "okra_projection_lag_events") == 2
        assert metric(metrics, "okra_log_head") == 2
        assert metric(metrics, "okra_projection_position") == 0
        assert (await api.client.get("/healthz")).status_code == 200  # alive all the same


async def test_readiness_fails_when_the_views_stop_moving(settings: Settings) -> None:
    """A projector that keeps failing on one batch leaves a small lag that never shrinks."""
    stuck = settings.model_copy(update={"projector": False, "ready_max_stall": 0.5})
    async with running(stuck) as api:
        app = api.backend.app
        await anyio.to_thread.run_sync(
            lambda: app.handle(c.AddPerson(handle="one", name="One"), "tests")
        )
        assert (await api.client.get("/readyz")).json()["status"] == "ready"  # just appended
        await anyio.sleep(0.7)
        stalled = await api.client.get("/readyz")
        assert stalled.status_code == 503
        assert stalled.json() == {"status": "stalled", "position": 0, "lag": 1}


async def test_parse_errors_carry_a_code(api: Api) -> None:
    body = await api.post("{ teams { ")
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


async def scraped(api: Api, name: str, value: float) -> None:
    """Wait (up to 10 s) until a scrape of /metrics shows ``name`` at ``value``."""
    for _ in range(200):
        if metric((await api.client.get("/metrics")).text, name) == value:
            return
        await anyio.sleep(0.05)
    raise AssertionError(f"{name} never reached {value}")


async def test_metrics_count_live_subscriptions_and_follow_the_log(api: Api) -> None:
    await api.team("Acme")
    async with api.subscribe("subscription { betChanged { title } }"):
        await scraped(api, "okra_subscriptions", 1)
    await scraped(api, "okra_subscriptions", 0)
    metrics = (await api.client.get("/metrics")).text
    head = api.backend.app.recorder.max_notification_id()
    assert metric(metrics, "okra_projection_position") == head
    assert metric(metrics, "okra_log_head") == head
    assert metric(metrics, "okra_events_projected_total") >= 1
    buckets = [
        line for line in metrics.splitlines() if "okra_graphql_request_seconds_bucket" in line
    ]
    assert any(
        'operation="mutation:createTeam"' in line and 'le="+Inf"' in line for line in buckets
    )


def test_configuration_logs_and_request_ids_of_a_real_server(tmp_path: Path) -> None:
    """`okra serve` reads OKRA_* variables (flags win over them) and logs one JSON line
    per GraphQL operation, carrying the request's id."""
    settings = Settings(data_dir=tmp_path / "okra-data")
    environment = {
        "OKRA_LOG_LEVEL": "info",
        "OKRA_LOG_FORMAT": "json",
        "OKRA_PUBLIC_READ": "true",  # queries need no token
        "OKRA_PORT": "9",  # overridden by the --port flag Gateway passes
        "OKRA_MAX_ALIASES": "2",
    }
    with Gateway(settings, env=environment) as gateway:
        query = {"query": "query Count { teams { totalCount } }"}
        answer = httpx.post(
            f"{gateway.url}/graphql", json=query, headers={"X-Request-ID": "trace-42"}
        )
        assert answer.json() == {"data": {"teams": {"totalCount": 0}}}
        assert answer.headers["x-request-id"] == "trace-42"
        aliased = {
            "query": "{ a: teams { totalCount } b: teams { totalCount } c: teams { totalCount } }"
        }
        refused = httpx.post(f"{gateway.url}/graphql", json=aliased).json()
        assert "aliases" in refused["errors"][0]["message"]
    lines = [
        json.loads(line) for line in gateway.process.output().splitlines() if line.startswith("{")
    ]
    logged = [line for line in lines if line.get("request_id") == "trace-42"]
    operation = next(line for line in logged if line["logger"] == "okra.graphql")
    assert operation["event"] == "graphql operation"
    assert operation["operation"] == "query:teams" and operation["operation_name"] == "Count"
    assert operation["errors"] == [] and operation["level"] == "info"
    assert operation["seconds"] >= 0 and operation["timestamp"].endswith("Z")
    assert any(line["logger"] == "uvicorn.access" for line in logged)
