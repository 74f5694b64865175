"""The baselines the rows are measured against, each in a process of its own.

``save``: eventsourcing's bare ``Application.save()`` of a new one-event aggregate,
from 32 threads, with the pool and persistence settings the gateway uses (W1, W2).
``read``: reading the whole log in pages and decoding every event, which any
rebuild must do at least (P2). Run as ``python -m bench.baselines …``, pinned to
the server's core by the runner; prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("save", "read"))
    parser.add_argument("--database-url")
    parser.add_argument("--schema", default="public")
    parser.add_argument("--data-dir")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", type=int, default=5000)
    args = parser.parse_args()
    print(json.dumps(save(args) if args.what == "save" else read(args)))


if __name__ == "__main__":
    main()
