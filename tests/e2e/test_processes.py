"""The real command line: the demo served over HTTP, a projector killed and resumed."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from gateway.backend import make_app, make_store
from gateway.demo import DemoClock, seed
from gateway.settings import Settings
from tests.support.processes import Gateway, okra, spawn, store_args
from tests.support.views import built_from_zero, dump

DASHBOARD = """query($c: ID!) { objectives(cycleId: $c, first: 100) { totalCount nodes {
    title score team { name } keyResults { title score checkIns(first: 1) { nodes { asOf } } }
    bets { status } } } }"""


def graphql(gateway: Gateway, query: str, **variables: object) -> dict:
    response = httpx.post(
        f"{gateway.url}/graphql",
        json={"query": query, "variables": variables},
        headers=gateway.headers,
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_demo_is_served_over_http(settings: Settings) -> None:
    seeded = okra("demo", *store_args(settings))
    printed = {
        line.split()[0]: line.split()[-1]
        for line in seeded.stderr.splitlines()
        if line.strip().split()[-1:] and line.split()[-1].startswith("okra_")
    }
    again = okra("demo", *store_args(settings))
    assert "already holds events" in again.stderr
    with Gateway(settings) as gateway:
        # The tokens the demo prints are whole and work: the CEO's as an admin.
        assert len(printed) == 15 and all(len(t) > 40 for t in printed.values())
        me = httpx.post(
            f"{gateway.url}/graphql",
            json={"query": "{ teams(first: 1) { nodes { name } } }"},
            headers={"Authorization": f"Bearer {printed['maya.chen']}"},
        ).json()
        assert me == {"data": {"teams": {"nodes": [{"name": "Acme Robotics"}]}}}
        cycles = graphql(gateway, "{ cycles { nodes { id name kind status } } }")["cycles"]["nodes"]
        assert [(c["name"], c["status"]) for c in cycles] == [
            ("2026", "OPEN"),
            ("2026-Q1", "CLOSED"),
            ("2026-Q2", "CLOSED"),
            ("2026-Q3", "CLOSED"),
            ("2026-Q4", "OPEN"),
        ]
        q3 = next(c["id"] for c in cycles if c["name"] == "2026-Q3")
        q4 = next(c["id"] for c in cycles if c["name"] == "2026-Q4")
        closed = graphql(gateway, DASHBOARD, c=q3)["objectives"]
        assert closed["totalCount"] == 6
        statuses = {b["status"] for o in closed["nodes"] for b in o["bets"]}
        assert {"VALIDATED", "INVALIDATED"} <= statuses
        current = graphql(gateway, DASHBOARD, c=q4)["objectives"]
        assert all(kr["checkIns"]["nodes"] for o in current["nodes"] for kr in o["keyResults"])
        tree = graphql(
            gateway, "query($c: ID!) { alignment(cycleId: $c) { nodes { depth } } }", c=q4
        )["alignment"]["nodes"]
        assert max(n["depth"] for n in tree) == 2  # annual → department → team
        page = httpx.get(f"{gateway.url}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        got = httpx.get(
            f"{gateway.url}/graphql",
            params={"query": "{ teams { totalCount } }"},
            headers=gateway.headers,
        )
        assert got.json() == {"data": {"teams": {"totalCount": 7}}}
        refused = httpx.get(
            f"{gateway.url}/graphql",
            headers=gateway.headers,
            params={"query": 'mutation { createTeam(input: {name: "x"}) { id } }'},
        )
        assert refused.status_code in (400, 405)


async def test_projector_killed_mid_way_resumes_exactly_once(settings: Settings) -> None:
    clock = DemoClock()
    app = make_app(settings, clock)
    seed(app, clock)
    head = app.recorder.max_notification_id()
    store = make_store(settings)
    await store.open()
    try:
        projector = spawn("project", "--batch-size", "1", *store_args(settings))
        deadline = time.monotonic() + 120
        while (position := await store.position()) < 100:
            assert time.monotonic() < deadline and projector.poll() is None
            await asyncio.sleep(0.005)
        projector.kill()  # SIGKILL: no chance to finish the batch in flight
        projector.wait()
        killed_at = await store.position()
        assert 100 <= killed_at < head, (position, killed_at, head)

        resumed = spawn("project", "--batch-size", "7", *store_args(settings))
        while await store.position() < head:
            assert time.monotonic() < deadline and resumed.poll() is None
            await asyncio.sleep(0.05)
        resumed.terminate()
        assert resumed.wait(timeout=30) == 0

        assert await dump(store) == await built_from_zero(app, settings)
    finally:
        await store.close()
        app.close()


async def test_rebuild_replaces_the_views_with_identical_ones(settings: Settings) -> None:
    clock = DemoClock()
    app = make_app(settings, clock)
    seed(app, clock)
    with Gateway(settings):
        pass  # the gateway's projector brought the views up to date on start
    store = make_store(settings)
    await store.open()
    try:
        before = await dump(store)
        assert sum(len(docs) for docs in before.values()) > 100
        result = okra("rebuild", *store_args(settings))
        assert "Rebuilt the views from" in result.stderr
        assert await dump(store) == before
    finally:
        await store.close()
        app.close()


@pytest.mark.parametrize("command", ["serve", "project", "demo", "rebuild"])
def test_cli_help(command: str) -> None:
    assert "Usage" in okra(command, "--help").stdout
