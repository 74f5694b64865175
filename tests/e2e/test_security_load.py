"""Expensive queries cannot starve the gateway: a cost limit before anything runs,
turns for the heavy queries, their computing off the event loop, and a time budget
that holds. (How far it holds under load is bench row H1.)

Every test runs on both stores.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import anyio
import pytest

from gateway.settings import Settings
from projections import tallies
from tests.support.api import Api, running

RETRO = "retrospective(cycleId: $c) { organisation { averageGrade } }"


def aliased(count: int) -> str:
    fields = " ".join(f"r{n}: {RETRO}" for n in range(count))
    return f"query($c: ID!) {{ {fields} }}"


async def test_a_query_past_the_cost_limit_is_refused_before_it_runs(api: Api) -> None:
    year = await api.year()
    error = await api.error(aliased(50), c=year)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["extensions"]["maxCost"] == 50_000
    assert error["extensions"]["cost"] > 50 * 10_000
    assert "OKRA_MAX_QUERY_COST" in error["message"]
    assert await api.data(aliased(1), c=year)  # one is fine


async def test_page_sizes_count_whether_literal_or_variable(settings: Settings) -> None:
    async with running(settings.model_copy(update={"max_query_cost": 500})) as api:
        page = "query($n: Int) { teams(first: $n) { nodes { id name parent { name } } } }"
        assert await api.data(page, n=10)  # 1 + 10 × (1 + 1 + 1 + 2) = 51
        error = await api.error(page, n=100)  # 501
        assert error["extensions"] == {
            "code": "GRAPHQL_VALIDATION_FAILED",
            "cost": 501,
            "maxCost": 500,
        }
        literal = "{ teams(first: 100) { nodes { id name parent { name } } } }"
        assert (await api.error(literal))["extensions"]["cost"] == 501
        # Left out, a page is 50.
        assert await api.data("{ teams { nodes { id name parent { name } } } }")


async def test_heavy_queries_wait_for_a_turn_then_are_told_when_to_retry(
    settings: Settings,
) -> None:
    update = {"max_heavy_queries": 1, "heavy_queue_seconds": 0.05}
    async with running(settings.model_copy(update=update)) as api:
        year = await api.year()
        async with api.backend.heavy.turn():  # another heavy query holds the only turn
            response = await api.client.post(
                "/graphql",
                json={"query": aliased(1), "variables": {"c": year}},
                headers=await api.headers(None, None),
            )
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            [error] = response.json()["errors"]
            assert error["extensions"]["code"] == "OVERLOADED"
            # Light queries do not wait for turns.
            assert await api.data("{ teams { totalCount } }")
        assert await api.data(aliased(1), c=year)  # the turn is free again


async def test_heavy_computing_leaves_the_gateway_answering_and_the_deadline_holds(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A retrospective whose figures take long (here: until released) does not stop
    /healthz or a small query, and its request ends at the time budget."""
    release = threading.Event()
    computing = threading.Event()
    figures = tallies.retrospective  # what the query computes in the heavy pool

    def slow(*args: Any) -> Any:
        computing.set()
        release.wait(timeout=10)
        return figures(*args)

    monkeypatch.setattr(tallies, "retrospective", slow)
    async with running(settings.model_copy(update={"request_timeout": 1.0})) as api:
        year = await api.year()
        headers = await api.headers(None, None)
        outcome: dict[str, Any] = {}

        async def heavy() -> None:
            started = time.monotonic()
            response = await api.client.post(
                "/graphql", json={"query": aliased(1), "variables": {"c": year}}, headers=headers
            )
            outcome["status"] = response.status_code
            outcome["code"] = response.json()["errors"][0]["extensions"]["code"]
            outcome["seconds"] = time.monotonic() - started

        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(heavy)
                await anyio.to_thread.run_sync(computing.wait, 10)
                with anyio.fail_after(0.5):  # answered while the figures are computed
                    assert (await api.client.get("/healthz")).status_code == 200
                    assert await api.data("{ teams { totalCount } }")
        finally:
            release.set()
        assert outcome["status"] == 503 and outcome["code"] == "TIMEOUT"
        assert outcome["seconds"] < 3
