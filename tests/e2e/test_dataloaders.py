"""The dashboard costs a fixed number of SQL statements, whatever the page size.

Every relation a page asks for (teams, key results' check-ins and bets, cascades) is
fetched by one DataLoader for all the page's objectives at once: 5 objectives or 50
cost the same statements, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import anyio

from domain.application import commands as c
from tests.support.api import Api
from tests.support.sql import statements, view_reads

DASHBOARD = """query($c: ID!, $n: Int!) {
  cycle(id: $c) { name status }
  objectives(cycleId: $c, first: $n) {
    totalCount
    nodes {
      title kind score scoreBand expectedGrade
      team { name parent { name } }
      cycle { name }
      parentKeyResult { title }
      keyResults {
        title score confidence currentValue targetValue unit
        checkIns(first: 3) { totalCount nodes { value asOf note recordedBy } }
        bets { title stake status team { name } }
      }
      bets { title expectedValue status }
      children { title }
    }
  }
}"""


def seed(api: Api, objectives: int) -> str:
    """A quarter of ``objectives`` objectives over five teams, each with three key
    results, two check-ins and a bet per key result, cascading from a company one."""
    app = api.backend.app
    org = app.handle(c.CreateTeam(name="Org"), "tests").id
    teams = [
        app.handle(c.CreateTeam(name=f"Team {t}", parent_id=org), "tests").id for t in range(5)
    ]
    year = app.handle(
        c.OpenCycle(
            name="2026", kind="ANNUAL", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
        ),
        "tests",
    ).id
    quarter = app.handle(
        c.OpenCycle(
            name="2026-Q1",
            kind="QUARTERLY",
            parent_id=year,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 3, 31),
        ),
        "tests",
    ).id
    top = app.handle(c.CreateObjective(cycle_id=year, team_id=org, title="Company"), "tests").id
    top_kr = app.handle(
        c.AddKeyResult(objective_id=top, title="Revenue", start_value=0, target_value=100), "tests"
    ).id
    for n in range(objectives):
        objective = app.handle(
            c.CreateObjective(
                cycle_id=quarter,
                team_id=teams[n % 5],
                title=f"Objective {n}",
                parent_key_result_id=top_kr,
            ),
            "tests",
        ).id
        for k in range(3):
            kr = app.handle(
                c.AddKeyResult(
                    objective_id=objective, title=f"KR {n}.{k}", start_value=0, target_value=10
                ),
                "tests",
            ).id
            for day, value in ((5, 2.0), (12, 4.0)):
                app.handle(
                    c.RecordCheckIn(key_result_id=kr, value=value, as_of=date(2026, 1, day)),
                    "tests",
                )
            app.handle(
                c.PlaceBet(
                    key_result_id=kr, title=f"Bet {n}.{k}", stake=1, odds=0.5, expected_impact=2
                ),
                "tests",
            )
    return quarter


async def dashboard_statements(api: Api, cycle: str, size: int) -> list[str]:
    await api.data(DASHBOARD, c=cycle, n=size)  # sign-in's token cache is warm
    async with statements(api.backend.store) as seen:
        data = await api.data(DASHBOARD, c=cycle, n=size)
    nodes = data["objectives"]["nodes"]
    assert len(nodes) == size
    assert all(len(o["keyResults"]) == 3 and len(o["bets"]) == 3 for o in nodes)
    assert all(kr["checkIns"]["totalCount"] == 2 for o in nodes for kr in o["keyResults"])
    assert all(o["team"]["parent"]["name"] == "Org" for o in nodes)
    return view_reads(seen)


async def test_the_dashboard_costs_the_same_statements_for_5_or_50_objectives(api: Api) -> None:
    quarter = await anyio.to_thread.run_sync(seed, api, 50)
    head = api.backend.app.recorder.max_notification_id() or 0
    await api.backend.watch.wait_for(head, seconds=60)

    small = await dashboard_statements(api, quarter, 5)
    large = await dashboard_statements(api, quarter, 50)
    assert len(small) == len(large), (small, large)
    # One per view and relation: the objective page and its count, the cycles, the
    # parent key results' objectives, teams, then their parents, check-ins, bets and
    # cascaded objectives. Nine on both stores, measured; more means a loader was missed.
    assert len(large) <= 9, large
