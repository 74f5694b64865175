"""The baselines the rows are measured against, each in a process of its own.

``save``: eventsourcing's bare ``Application.save()`` of a new one-event aggregate,
from 32 threads, with the pool and persistence settings the gateway uses (W1, W2).
``read``: reading the whole log in pages and decoding every event, which any
rebuild must do at least (P2). ``retro``: a cycle's retrospective computed in-process
from every document (the from-scratch path, kept as the test oracle) and from the
projector's tallies, on the same store (R3's before and after). ``audit``: a cycle's
alignment audit from every document and settled from the projector's judgements
(R4's before and after; the findings, not their answer). Run as
``python -m bench.baselines …``, pinned to the server's core by the runner; prints one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from gateway.backend import make_app
from gateway.settings import Settings


class Thing(Aggregate):
    """The smallest aggregate there is: one creation event."""


class Bare(Application[Any]):
    name = "bare"


def settings_of(args: argparse.Namespace) -> Settings:
    if args.database_url:
        return Settings(database_url=args.database_url, database_schema=args.schema)
    return Settings(data_dir=Path(args.data_dir))


def save(args: argparse.Namespace) -> dict[str, Any]:
    env = settings_of(args).eventsourcing_env()
    env.pop("AGGREGATE_CACHE_MAXSIZE", None)
    app = Bare(env=env)
    rates: list[float] = []
    try:
        for round_ in range(args.runs + 1):  # the first round warms up
            seconds = 1.0 if round_ == 0 else args.seconds
            count = [0] * args.threads
            end = time.perf_counter() + seconds

            def worker(slot: int, end: float = end, count: list[int] = count) -> None:
                while time.perf_counter() < end:
                    app.save(Thing())
                    count[slot] += 1

            started = time.perf_counter()
            threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if round_:
                rates.append(sum(count) / (time.perf_counter() - started))
    finally:
        app.close()
    return {"rates": rates}


def read(args: argparse.Namespace) -> dict[str, Any]:
    app = make_app(settings_of(args))
    rates: list[float] = []
    events = 0
    try:
        for _ in range(args.runs):
            started = time.perf_counter()
            position, events = 0, 0
            decode = app.mapper.to_domain_event
            while True:
                page = app.recorder.select_notifications(
                    position, args.page, inclusive_of_start=False
                )
                for notification in page:
                    decode(notification)
                events += len(page)
                if len(page) < args.page:
                    break
                position = page[-1].id
            rates.append(events / (time.perf_counter() - started))
    finally:
        app.close()
    return {"rates": rates, "events": events}


def retro(args: argparse.Namespace) -> dict[str, Any]:
    import asyncio
    import statistics

    from gateway.backend import make_store
    from projections import audit, tallies
    from projections import retrospective as r
    from projections.views import CYCLES, TALLIES

    async def measure() -> dict[str, Any]:
        store = make_store(settings_of(args))
        await store.open()
        try:
            cycle = (await store.get(CYCLES, [args.cycle]))[args.cycle]
            previous = r.previous_cycle(cycle, await store.find(CYCLES, {}))
            assert previous is not None
            today, limits = date.today(), audit.Thresholds()

            async def scratch() -> r.Retrospective:
                facts = await r.gather(store, args.cycle, today, limits)
                compared = await r.gather(store, previous["id"], today, limits)
                assert facts is not None
                return r.retrospective(facts, compared)

            async def tallied() -> r.Retrospective:
                rows = await store.find(TALLIES, {"cycle_id": [args.cycle, previous["id"]]})
                mine = [x for x in rows if x["cycle_id"] == args.cycle]
                before = [x for x in rows if x["cycle_id"] == previous["id"]]
                return tallies.retrospective(cycle, mine, previous["id"], before, None)

            timings: dict[str, list[float]] = {"scratch_ms": [], "tallies_ms": []}
            for _ in range(args.runs):
                for name, work in (("scratch_ms", scratch), ("tallies_ms", tallied)):
                    started = time.perf_counter()
                    await work()
                    timings[name].append((time.perf_counter() - started) * 1000)
            return {name: statistics.median(values) for name, values in timings.items()}
        finally:
            await store.close()

    return asyncio.run(measure())


def audit(args: argparse.Namespace) -> dict[str, Any]:
    import asyncio
    import statistics

    from gateway.backend import make_store
    from projections import audit, judged
    from projections.views import CYCLES

    async def measure() -> dict[str, Any]:
        store = make_store(settings_of(args))
        await store.open()
        try:
            cycle = (await store.get(CYCLES, [args.cycle]))[args.cycle]
            today, limits = date.today(), audit.Thresholds()

            async def scratch() -> list[audit.Finding]:
                facts = await audit.gather(store, args.cycle)
                assert facts is not None
                return audit.audit(facts, today, limits)

            async def settled() -> list[audit.Finding]:
                return (await judged.gather(store, cycle)).findings(today, limits)

            timings: dict[str, list[float]] = {"scratch_ms": [], "judged_ms": []}
            found: dict[str, int] = {}
            for _ in range(args.runs):
                for name, work in (("scratch_ms", scratch), ("judged_ms", settled)):
                    started = time.perf_counter()
                    found[name] = len(await work())
                    timings[name].append((time.perf_counter() - started) * 1000)
            assert found["scratch_ms"] == found["judged_ms"], found
            medians = {name: statistics.median(values) for name, values in timings.items()}
            return {**medians, "findings": found["judged_ms"]}
        finally:
            await store.close()

    return asyncio.run(measure())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("save", "read", "retro", "audit"))
    parser.add_argument("--cycle", help="retro, audit: the cycle")
    parser.add_argument("--database-url")
    parser.add_argument("--schema", default="public")
    parser.add_argument("--data-dir")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", type=int, default=5000)
    args = parser.parse_args()
    work = {"save": save, "read": read, "retro": retro, "audit": audit}[args.what]
    print(json.dumps(work(args)))


if __name__ == "__main__":
    main()
