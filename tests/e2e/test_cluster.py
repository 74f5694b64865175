"""Several processes on one store: gateways, projectors, a rebuild, a crash."""

from __future__ import annotations

import asyncio
import signal
import time

from gateway.backend import make_app, make_store
from gateway.demo import DemoClock, seed
from gateway.settings import Settings
from tests.support.live import subscribe
from tests.support.processes import Gateway, okra, projector, store_args
from tests.support.remote import CHECK_IN, build, check_in_values, gql
from tests.support.views import built_from_zero, dump


async def test_two_gateways_one_projector(settings: Settings) -> None:
    worker = projector(settings)
    try:
        with Gateway(settings, "--no-projector") as a, Gateway(settings, "--no-projector") as b:
            async with (
                a.client() as on_a,
                b.client() as on_b,
            ):
                objective, kr = await build(on_a)
                # Read-your-writes through the other gateway, straight after each answer.
                for value in range(1, 6):
                    await gql(on_a if value % 2 else on_b, CHECK_IN, k=kr, v=value * 10)
                    seen = await gql(
                        on_b if value % 2 else on_a,
                        "query($k: ID!) { keyResult(id: $k) { currentValue } }",
                        k=kr,
                    )
                    assert seen["keyResult"]["currentValue"] == value * 10
                # A subscriber on A hears of a check-in made through B.
                async with subscribe(
                    on_a,
                    "subscription($o: ID) { keyResultChanged(objectiveId: $o) { currentValue } }",
                    {"o": objective},
                    init_payload=a.headers,
                ) as live:
                    await asyncio.sleep(0.3)
                    await gql(on_b, CHECK_IN, k=kr, v=77)
                    assert (await live.next())["keyResultChanged"] == {"currentValue": 77}
    finally:
        worker.terminate()
        worker.wait(timeout=30)


async def test_standby_projector_takes_over_from_a_killed_one(settings: Settings) -> None:
    active = projector(settings)
    await asyncio.sleep(1.5)  # let it take the lease first
    standby = projector(settings)
    try:
        with Gateway(settings, "--no-projector") as gateway:
            async with gateway.client(timeout=60) as client:
                _, kr = await build(client)

                async def writer(n: int) -> int:
                    done = 0
                    for i in range(25):
                        await gql(client, CHECK_IN, k=kr, v=n * 100 + i)
                        done += 1
                    return done

                load = asyncio.gather(*(writer(n) for n in range(8)))
                await asyncio.sleep(0.5)
                active.send_signal(signal.SIGKILL)  # mid-load, mid-batch perhaps
                started = time.monotonic()
                assert sum(await load) == 200  # every write answered: the standby took over
                takeover = time.monotonic() - started
                assert takeover < 30
                data = await gql(
                    client,
                    "query($k: ID!) { keyResult(id: $k) { version checkIns { totalCount } } }",
                    k=kr,
                )
                assert data["keyResult"]["checkIns"]["totalCount"] == 200
                assert len(await check_in_values(client, kr)) == 200
                assert data["keyResult"]["version"] == 201
    finally:
        for process in (active, standby):
            process.kill()
            process.wait()
    app = make_app(settings)
    store = make_store(settings)
    await store.open()
    try:
        assert await dump(store) == await built_from_zero(app, settings)
    finally:
        await store.close()
        app.close()


async def test_rebuild_while_serving_never_shows_partial_views(settings: Settings) -> None:
    clock = DemoClock()
    app = make_app(settings, clock)
    seed(app, clock)
    demo_objectives = len((await built_from_zero(app, settings))["objectives"])
    app.close()
    query = """{ objectives(first: 100) { totalCount nodes { keyResults { id } } } }"""
    with Gateway(settings) as gateway:
        async with gateway.client() as client:
            expected = await gql(client, query)
            answers = 0
            # The whole demo, from the first answer on.
            assert expected["objectives"]["totalCount"] == demo_objectives
            rebuild = asyncio.create_task(asyncio.to_thread(okra, "rebuild", *store_args(settings)))
            while not rebuild.done():
                assert await gql(client, query) == expected
                answers += 1
            await rebuild
            assert await gql(client, query) == expected
            assert answers > 5
