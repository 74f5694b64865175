"""``okra import plan``: a new cycle's objectives and key results from CSV, as events
through the commands, all rows or none (every bad row named by its line)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import anyio

from gateway.settings import Settings
from tests.support.api import Api, running
from tests.support.processes import OKRA, store_args

PLAN = """\ufeffteam,objective,kind,description,objective_owner,key_result,start,target,unit,weight,milestones,owner
Platform,Make deploys boring,COMMITTED,Nobody should fear Fridays,maya.chen,Deploys per week,3,15,,2,,ines.garcia
platform,Make deploys boring,,,,Rollback time,30,5.5,min,,,
Mobile,Ship offline mode,aspirational,,,Offline mode shipped,,,,,Design; Beta ;GA,

Mobile,Measure crashes,,,,,,,,,,
"""  # noqa: E501
OBJECTIVES = """query($cycle: ID!) {
  objectives(cycleId: $cycle) { nodes {
    title kind description team { name } owner { handle } createdBy
    keyResults { title measure startValue targetValue unit weight owner { handle }
                 milestones { title done } }
  } }
}"""


def plan(settings: Settings, file: Path, cycle: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OKRA, "import", "plan", str(file), "--cycle", cycle, *store_args(settings)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300", "OKRA_LOG_LEVEL": "warning"},
    )


async def planned(api: Api, settings: Settings, file: Path, cycle: str) -> tuple[int, str]:
    """The command's exit code and messages, run while the gateway serves; the
    gateway's views then catch up with what it wrote."""
    result = await anyio.to_thread.run_sync(lambda: plan(settings, file, cycle))
    assert await api.backend.catch_up(30)
    return result.returncode, result.stdout + result.stderr


def head(api: Api) -> int:
    return api.backend.app.recorder.max_notification_id() or 0


async def organisation(api: Api) -> str:
    acme = await api.team("Acme")
    await api.team("Platform", acme)
    await api.team("Mobile", acme)
    for handle in ("maya.chen", "ines.garcia"):
        await api.mutate("addPerson", "id", handle=handle, name=handle.replace(".", " ").title())
    year = await api.year("2027")
    return await api.cycle("2027-Q1", "2027-01-01", "2027-03-31", year)


async def test_a_plan_sets_a_new_cycles_objectives(settings: Settings, tmp_path: Path) -> None:
    file = tmp_path / "plan.csv"
    file.write_text(PLAN, encoding="utf-8")
    async with running(settings) as api:
        cycle = await organisation(api)
        code, said = await planned(api, settings, file, "2027-Q1")
        assert code == 0, said
        assert "Platform: Make deploys boring (2 key results)" in said
        assert "Planned 3 objectives" in said
        got = (await api.data(OBJECTIVES, cycle=cycle))["objectives"]["nodes"]
        assert got == [
            {
                "title": "Make deploys boring", "kind": "COMMITTED",
                "description": "Nobody should fear Fridays", "team": {"name": "Platform"},
                "owner": {"handle": "maya.chen"}, "createdBy": "okra-cli",
                "keyResults": [
                    {"title": "Deploys per week", "measure": "METRIC", "startValue": 3,
                     "targetValue": 15, "unit": "", "weight": 2,
                     "owner": {"handle": "ines.garcia"}, "milestones": []},
                    {"title": "Rollback time", "measure": "METRIC", "startValue": 30,
                     "targetValue": 5.5, "unit": "min", "weight": 1, "owner": None,
                     "milestones": []},
                ],
            },
            {
                "title": "Ship offline mode", "kind": "ASPIRATIONAL", "description": "",
                "team": {"name": "Mobile"}, "owner": None, "createdBy": "okra-cli",
                "keyResults": [
                    {"title": "Offline mode shipped", "measure": "MILESTONES", "startValue": None,
                     "targetValue": None, "unit": "", "weight": 1, "owner": None,
                     "milestones": [{"title": t, "done": False} for t in ("Design", "Beta", "GA")]},
                ],
            },
            {
                "title": "Measure crashes", "kind": "COMMITTED", "description": "",
                "team": {"name": "Mobile"}, "owner": None, "createdBy": "okra-cli",
                "keyResults": [],
            },
        ]  # fmt: skip
        # A second run adds nothing: the objectives exist.
        before = head(api)
        code, said = await planned(api, settings, file, "2027-Q1")
        assert code == 1
        assert "line 2: objective: Platform already has 'Make deploys boring' in 2027-Q1" in said
        assert "Nothing of the file was applied." in said
        assert head(api) == before

        # The cycle scheduled them, as createObjective does: closing it closes them.
        await api.mutate("closeCycle", "id", id=cycle)
        closed = await api.data("query($c: ID!) { objectives(cycleId: $c) { nodes { status } } }",
                                c=cycle)  # fmt: skip
        assert {o["status"] for o in closed["objectives"]["nodes"]} == {"CLOSED"}


async def test_a_bad_plan_is_refused_whole(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "team,objective,kind,key_result,start,target,unit,milestones,owner\n"
        "Platform,Good objective,,Good key result,1,2,,,\n"
        "Platform,Flat,,Nothing moves,3,3,,,\n"
        "Nowhere,Lost,,,,,,,\n"
        "Mobile,Maybe,PERHAPS,,,,,,\n"
        "Mobile,Owned,,A key result,1,2,,,nobody.here\n"
        "Mobile,Both,,Mixed,1,2,,One;Two,\n"
        "Mobile,Loose,,,1,,,,\n"
        "Platform,Good objective,ASPIRATIONAL,Second,0,1,,,\n",
        encoding="utf-8",
    )
    unreadable = tmp_path / "unreadable.csv"
    unreadable.write_text("team,objective,target\nPlatform,X,ten\nMobile,Y,1e999\n")
    columns = tmp_path / "columns.csv"
    columns.write_text("team,goal\nPlatform,X\n")
    async with running(settings) as api:
        await organisation(api)
        closed = await api.cycle("2026", "2026-01-01", "2026-12-31")
        await api.mutate("closeCycle", "id", id=closed)
        before = head(api)
        code, said = await planned(api, settings, bad, "2027-q1")
        assert code == 1, said
        for line in (
            "line 3: target: must differ from the start value",
            "line 4: team: no team has the id or name 'Nowhere'",
            "line 5: kind: must be one of COMMITTED, ASPIRATIONAL",
            "line 6: owner: no person has the handle 'nobody.here'",
            "line 7: milestones: give either milestones or a metric",
            "line 8: start: belongs to a key result: give its key_result title",
            "line 9: kind: differs from line 2's for 'Good objective'",
        ):
            assert line in said, (line, said)
        assert "line 2" not in said.replace("line 2's", "")
        code, said = await planned(api, settings, unreadable, "2027-Q1")
        assert code == 1
        assert "line 2: target: 'ten' is not a number" in said
        assert "line 3: target: '1e999' is not a number" in said
        code, said = await planned(api, settings, columns, "2027-Q1")
        assert code == 1 and "line 1: unknown column 'goal'" in said
        code, said = await planned(api, settings, bad, "2031-Q9")
        assert code == 1 and "--cycle: no cycle is named or has the id '2031-Q9'" in said
        good = tmp_path / "good.csv"
        good.write_text("team,objective\nPlatform,Late\n")
        code, said = await planned(api, settings, good, "2026")
        assert code == 1 and "2026 is closed" in said
        assert head(api) == before, "nothing of any file was stored"
