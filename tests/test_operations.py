"""Operating OKRA: health, readiness, metrics and request ids."""

from __future__ import annotations

from tests.api import Api


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
