"""``ImportPlan`` through the one door (``Okra.handle``), on eventsourcing's in-memory
store: who may plan which team, and that a refused plan stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain.application import commands as c
from domain.application.access import Forbidden, Principal
from domain.application.commands.plans import PlanRow
from domain.application.okra import Okra
from domain.model.cycle import Cycle
from domain.model.errors import InvalidInput
from domain.model.objective import Objective
from domain.model.roles import Role

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def app() -> Iterator[Okra]:
    app = Okra(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: NOW)
    try:
        yield app
    finally:
        app.close()


def org(app: Okra) -> tuple[str, str, str]:
    platform = app.handle(c.CreateTeam(name="Platform"), "ada").id
    sales = app.handle(c.CreateTeam(name="Sales"), "ada").id
    year = c.OpenCycle(
        name="2027", kind="ANNUAL", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31)
    )
    return platform, sales, app.handle(year, "ada").id


def head(app: Okra) -> int:
    return app.recorder.max_notification_id() or 0


def test_members_plan_only_their_teams(app: Okra) -> None:
    platform, sales, cycle = org(app)
    rows = [
        PlanRow(line=2, team_id=platform, objective="Boring deploys", key_result="Deploys",
                start=3, target=15),
        PlanRow(line=3, team_id=sales, objective="Sell more", key_result="Deals", start=0,
                target=9),
    ]  # fmt: skip
    member = Principal("sam", Role.MEMBER, frozenset({platform}))
    before = head(app)
    with pytest.raises(Forbidden):
        app.handle(c.ImportPlan(cycle_id=cycle, rows=rows), member)
    assert head(app) == before
    saved = app.handle(c.ImportPlan(cycle_id=cycle, rows=rows[:1]), member)
    assert saved.notes == ("Platform: Boring deploys (1 key result)",)
    objective: Objective = app.repository.get(UUID(saved.id))
    assert [kr.title for kr in objective.key_results.values()] == ["Deploys"]
    scheduled: Cycle = app.repository.get(UUID(cycle))
    assert scheduled.objective_ids == [saved.id]


def test_every_bad_row_is_named_and_nothing_stored(app: Okra) -> None:
    platform, _, cycle = org(app)
    rows = [
        PlanRow(line=2, team_id=platform, objective="Fine", key_result="Fine", start=0, target=1),
        PlanRow(line=3, team_id=platform, objective=" ", key_result="Untitled", start=0, target=1),
        PlanRow(line=4, team_id=platform, objective="Heavy", key_result="K", start=0, target=1,
                weight=500),
    ]  # fmt: skip
    before = head(app)
    with pytest.raises(InvalidInput) as refused:
        app.handle(c.ImportPlan(cycle_id=cycle, rows=rows), "ada")
    assert refused.value.field == "rows"
    assert refused.value.rule.splitlines() == [
        "line 3: objective: must be 1–200 characters after trimming",
        "line 4: weight: must be greater than 0 and at most 100",
    ]
    with pytest.raises(InvalidInput, match="the file holds no objective"):
        app.handle(c.ImportPlan(cycle_id=cycle, rows=[]), "ada")
    assert head(app) == before
