"""Two processes moving teams at once cannot close a loop (issue 14).

Each gateway has its own in-process locks, so two of them running "A under B" and
"B under A" at the same moment both pass the loop check against what they loaded. Both
moves also record the teams' places in the one team-tree stream: the second save
collides there, is retried from a fresh load, sees the first move and is refused.
Two applications on one store stand for two gateways here."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from uuid import UUID

from domain.application import commands as c
from domain.application.okra import Okra
from domain.model.errors import InvalidInput
from domain.model.team import Team
from gateway.backend import make_app
from gateway.settings import Settings

ROUNDS = 8


def load(app: Okra, team_id: str) -> Team:
    team = app.repository.get(UUID(team_id))
    assert isinstance(team, Team)
    return team


def move(start: threading.Barrier, app: Okra, team: str, parent: str) -> Any:
    """Move the team once both threads are ready; the refusal, if it is refused."""
    start.wait()
    try:
        return app.handle(c.MoveTeam(id=team, parent_id=parent), "tests")
    except InvalidInput as refused:
        return refused


def test_two_gateways_moving_teams_at_once_close_no_loop(settings: Settings) -> None:
    first, second = make_app(settings), make_app(settings)
    try:
        for round in range(ROUNDS):
            a = first.handle(c.CreateTeam(name=f"A{round}"), "tests").id
            b = first.handle(c.CreateTeam(name=f"B{round}"), "tests").id
            start = threading.Barrier(2)

            with ThreadPoolExecutor(2) as pool:
                futures = [
                    pool.submit(move, start, first, a, b),
                    pool.submit(move, start, second, b, a),
                ]
                outcomes = [future.result() for future in futures]
            refused = [o for o in outcomes if isinstance(o, InvalidInput)]
            assert len(refused) == 1 and refused[0].field == "parent_id", outcomes
            parents = {team: load(first, team).parent_id for team in (a, b)}
            assert not (parents[a] == b and parents[b] == a), "a loop"
    finally:
        first.close()
        second.close()


def attempt(start: threading.Barrier, app: Okra, command: c.Command) -> Any:
    start.wait()
    try:
        return app.handle(command, "tests")
    except InvalidInput as refused:
        return refused


def test_archiving_a_team_races_an_objective_for_it_and_one_loses(settings: Settings) -> None:
    """archiveTeam records in every open cycle, so an objective scheduled for the team at
    that moment collides with it: either the team is archived and no objective came, or
    the objective came and the archive is refused."""
    first, second = make_app(settings), make_app(settings)
    try:
        year = first.handle(
            c.OpenCycle(
                name="2026", kind="ANNUAL", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
            ),
            "tests",
        ).id
        for round in range(ROUNDS):
            team = first.handle(c.CreateTeam(name=f"T{round}"), "tests").id
            start = threading.Barrier(2)
            with ThreadPoolExecutor(2) as pool:
                archived = pool.submit(attempt, start, first, c.ArchiveTeam(id=team))
                planned = pool.submit(
                    attempt,
                    start,
                    second,
                    c.CreateObjective(cycle_id=year, team_id=team, title="X"),
                )
                outcomes = [archived.result(), planned.result()]
            refused = [o for o in outcomes if isinstance(o, InvalidInput)]
            assert len(refused) == 1, outcomes
            assert refused[0].field in ("id", "team_id"), outcomes
    finally:
        first.close()
        second.close()
