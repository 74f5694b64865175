"""Faults with real processes: PostgreSQL restarts, projector kills, gateway shutdown."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import httpx
import pytest

from domain.application import commands as c
from gateway.backend import make_app, make_store
from gateway.settings import Settings
from tests.support.pgcluster import ThrowawayCluster, ensure_database, pg_bindir
from tests.support.processes import Gateway, projector
from tests.support.remote import CHECK_IN, build, check_in_values, gql
from tests.support.views import built_from_zero, dump


@pytest.fixture
def own_cluster() -> Iterator[ThrowawayCluster]:
    """A PostgreSQL of this test's own: it will be stopped and started again."""
    if pg_bindir() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true requires PostgreSQL binaries for the restart test")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    cluster = ThrowawayCluster.create()
    cluster.start()
    yield cluster
    cluster.destroy()


async def test_postgres_restart_under_write_load(own_cluster: ThrowawayCluster) -> None:
    url = ensure_database(own_cluster.url, "okra")
    settings = Settings(database_url=url)
    with Gateway(settings) as gateway:
        async with gateway.client(timeout=60) as client:
            _, kr = await build(client)
            acknowledged: set[int] = set()
            refused = 0
            # Writers keep going until the database is back, so the outage always
            # falls in the middle of the load however fast the writes are.
            recovered = asyncio.Event()
            down_at = up_at = float("inf")
            spanned = 0  # writes in flight from before the crash until after the restart

            async def writer(n: int) -> None:
                nonlocal refused, spanned
                i = 0
                while i < 15 or not recovered.is_set():
                    value = n * 1000 + i
                    i += 1
                    query = (
                        "mutation($k: ID!, $v: Float!, $key: String!) { recordCheckIn("
                        "input: {keyResultId: $k, value: $v, idempotencyKey: $key}) { version } }"
                    )
                    while True:  # a client retrying with its idempotency key until answered
                        sent = time.monotonic()
                        try:
                            response = await client.post(
                                "/graphql",
                                json={
                                    "query": query,
                                    "variables": {"k": kr, "v": value, "key": f"w{value}"},
                                },
                            )
                            if response.status_code == 200 and "errors" not in response.json():
                                acknowledged.add(value)
                                spanned += sent < down_at and time.monotonic() > up_at
                                break
                        except httpx.HTTPError:
                            pass
                        refused += 1
                        await asyncio.sleep(0.2)

            load = asyncio.gather(*(writer(n) for n in range(6)))
            while len(acknowledged) < 6:  # noqa: ASYNC110 - the writers signal nothing
                await asyncio.sleep(0.05)
            await asyncio.to_thread(own_cluster.stop, "immediate")  # a crash, for the database
            down_at = time.monotonic()
            unready = 0
            for _ in range(20):
                try:
                    ready = await client.get("/readyz")
                    unready += ready.status_code == 503
                except httpx.HTTPError:
                    unready += 1  # a probe that gets no answer fails, for a load balancer too
                await asyncio.sleep(0.1)
            assert unready > 0  # readiness told the load balancer
            await asyncio.to_thread(own_cluster.start)
            up_at = time.monotonic()
            recovered.set()
            await asyncio.wait_for(load, 180)
            assert len(acknowledged) >= 90
            # The outage was felt (writes refused, or held until the database came back)
            # and recovered from.
            assert refused + spanned > 0
            for _ in range(100):
                if (await client.get("/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.2)
            assert (await client.get("/readyz")).status_code == 200
            stored = await check_in_values(client, kr)
            assert sorted(stored) == sorted(acknowledged)  # every one, exactly once


async def test_projector_killed_at_random_points(settings: Settings) -> None:
    app = make_app(settings)
    team = app.handle(c.CreateTeam(name="Acme"), "tests").id
    year = app.handle(
        c.OpenCycle(
            name="2026", kind="ANNUAL", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
        ),
        "tests",
    ).id
    krs = []
    for i in range(5):
        objective = app.handle(
            c.CreateObjective(cycle_id=year, team_id=team, title=f"O{i}"), "tests"
        ).id
        krs.append(
            app.handle(
                c.AddKeyResult(objective_id=objective, title="KR", start_value=0, target_value=100),
                "tests",
            ).id
        )
    stop = threading.Event()

    def write() -> None:
        rng = random.Random(7)
        while not stop.is_set():
            app.handle(
                c.RecordCheckIn(key_result_id=rng.choice(krs), value=rng.uniform(0, 100)), "tests"
            )

    writer = threading.Thread(target=write)
    writer.start()
    rng = random.Random(11)
    kills = 0
    try:
        for _ in range(6):
            worker = projector(settings, "--batch-size", str(rng.choice([1, 3, 50])))
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
    finally:
        stop.set()
        writer.join()
    assert kills == 6
    final = projector(settings)
    store = make_store(settings)
    await store.open()
    try:
        head = app.recorder.max_notification_id()
        for _ in range(600):
            if await store.position() >= head:
                break
            await asyncio.sleep(0.1)
        assert await store.position() == head
        assert await dump(store) == await built_from_zero(app, settings)
    finally:
        final.terminate()
        final.wait(timeout=30)
        await store.close()
        app.close()


async def test_gateway_shutdown_finishes_requests_in_flight(settings: Settings) -> None:
    with Gateway(settings) as gateway:
        async with gateway.client(timeout=60) as client:
            objective, kr = await build(client)
            in_flight = [
                asyncio.create_task(gql(client, CHECK_IN, k=kr, v=float(i))) for i in range(20)
            ]
            await asyncio.sleep(0.05)
            gateway.process.send_signal(signal.SIGTERM)
            answers = await asyncio.gather(*in_flight, return_exceptions=True)
            # uvicorn shuts down gracefully, then re-raises SIGTERM as its exit status.
            assert await asyncio.to_thread(gateway.process.wait, 30) in (0, -signal.SIGTERM)
    answered = [a for a in answers if isinstance(a, dict)]
    unreachable = [a for a in answers if isinstance(a, httpx.TransportError)]
    # Each request was either answered in full or never accepted: none half-done.
    assert len(answered) + len(unreachable) == 20, answers
    assert answered, "the requests already in flight were answered"
    app = make_app(settings)
    try:
        stored = app.repository.get(UUID(objective))
        assert stored.key_results[kr].version == 1 + len(answered)
    finally:
        app.close()
