"""Figures for the strategy map and the alignment audit on a synthetic organisation.

    .venv/bin/python -m bench.strategy                      # SQLite in a temp dir
    .venv/bin/python -m bench.strategy postgresql://postgres@127.0.0.1:5432/okra_test

60 teams under one root, 5 objectives each in one quarter (one orphan per team), each
tagged, with 5 key results and one bet per key result: 300 objectives, 1,500 key
results, 1,500 bets. Prints the cost of tagging as the cycle's tag registry grows, of
revisions of the map, and of the audit and strategy-map queries over HTTP.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import psycopg
from asgi_lifespan import LifespanManager

from domain.application import commands as c
from domain.model.cycle import CycleKind
from gateway.backend import make_app
from gateway.http.app import create_app
from gateway.settings import Settings
from projections import audit
from tests.support.api import Api

TEAMS, OBJECTIVES, KEY_RESULTS = 60, 5, 5
AUDIT = """query($c: ID!) { alignmentAudit(cycleId: $c) { counts { kind count }
    findings { kind message entityId } } }"""
MAP = """query($c: ID!) { strategyMap(cycleId: $c) {
    values { name objectives { title score } } unserved { name } } }"""


def settings(scratch: Path) -> Settings:
    if len(sys.argv) < 2:
        return Settings(data_dir=scratch)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(sys.argv[1], autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return Settings(database_url=sys.argv[1], database_schema=schema, data_dir=scratch)


def seed(app_settings: Settings) -> str:
    app = make_app(app_settings)
    try:
        org = app.handle(c.CreateTeam(name="Org"), "bench").id
        year = app.handle(
            c.OpenCycle(
                name="2026",
                kind=CycleKind.ANNUAL,
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
            ),
            "bench",
        ).id
        quarter = app.handle(
            c.OpenCycle(
                name="2026-Q4",
                kind=CycleKind.QUARTERLY,
                parent_id=year,
                starts_on=date(2026, 10, 1),
                ends_on=date(2026, 12, 31),
            ),
            "bench",
        ).id
        app.handle(c.DefineStrategyMap(values=["A", "B"]), "bench")
        top = app.handle(c.CreateObjective(cycle_id=quarter, team_id=org, title="Top"), "bench").id
        top_kr = app.handle(
            c.AddKeyResult(objective_id=top, title="T", start_value=0, target_value=1), "bench"
        ).id
        tagging: list[float] = []
        for t in range(TEAMS):
            team = app.handle(c.CreateTeam(name=f"Team {t}", parent_id=org), "bench").id
            for o in range(OBJECTIVES):
                objective = app.handle(
                    c.CreateObjective(
                        cycle_id=quarter,
                        team_id=team,
                        title=f"Objective {t}.{o}",
                        parent_key_result_id=top_kr if o else None,
                    ),
                    "bench",
                ).id
                started = time.perf_counter()
                app.handle(c.TagObjective(id=objective, expected_version=1, values=["A"]), "bench")
                tagging.append(time.perf_counter() - started)
                for k in range(KEY_RESULTS):
                    kr = app.handle(
                        c.AddKeyResult(
                            objective_id=objective, title=f"KR {k}", start_value=0, target_value=10
                        ),
                        "bench",
                    ).id
                    app.handle(
                        c.PlaceBet(
                            key_result_id=kr, title="Bet", stake=5 + k, odds=0.5, expected_impact=3
                        ),
                        "bench",
                    )
        print(
            f"tagObjective: {sum(tagging[:20]) / 20 * 1000:.1f} ms for the first 20, "
            f"{sum(tagging[-20:]) / 20 * 1000:.1f} ms for the last 20 "
            f"(the cycle's tag registry then holds {len(tagging)} notes)"
        )
        for label, values in (("adding a value", ["A", "B", "C"]), ("dropping A", ["B", "C"])):
            started = time.perf_counter()
            app.handle(c.DefineStrategyMap(values=values), "bench")
            elapsed = time.perf_counter() - started
            print(f"defineStrategyMap {label}: {elapsed * 1000:.0f} ms")
        return quarter
    finally:
        app.close()


async def median_ms(api: Api, query: str, cycle: str, runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await api.data(query, c=cycle)
        times.append(time.perf_counter() - started)
    return sorted(times)[runs // 2] * 1000


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        app_settings = settings(Path(scratch))
        quarter = seed(app_settings)
        app = create_app(app_settings)
        async with (
            LifespanManager(app, startup_timeout=300) as manager,
            Api.connect(manager.app, app) as api,
        ):
            report = (await api.data(AUDIT, c=quarter))["alignmentAudit"]
            print(f"findings: {report['counts']}")
            print(f"alignmentAudit over HTTP: {await median_ms(api, AUDIT, quarter):.0f} ms")
            gathered, judged = [], []
            for _ in range(9):
                started = time.perf_counter()
                facts = await audit.gather(api.backend.store, quarter)
                middle = time.perf_counter()
                assert facts is not None
                audit.audit(facts, date(2026, 11, 23), audit.Thresholds())
                gathered.append(middle - started)
                judged.append(time.perf_counter() - middle)
            print(
                f"  of which reading the documents {sorted(gathered)[4] * 1000:.0f} ms, "
                f"judging them {sorted(judged)[4] * 1000:.0f} ms"
            )
            print(f"strategyMap over HTTP: {await median_ms(api, MAP, quarter):.0f} ms")
        if app_settings.database_url:
            with psycopg.connect(app_settings.database_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{app_settings.database_schema}" CASCADE')


if __name__ == "__main__":
    asyncio.run(main())
