"""Recording times only move forward within a stream, whatever the commands' clocks say.

A command takes its time stamp before it loads what it changes; another command can
append to the same stream in between. Time travel reads "the state at t" as the
events recorded by t, which is only a true prefix of the stream if times never go
backwards in it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from domain.application import commands as c
from gateway.backend import make_app
from gateway.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_late_stamped_command_lands_after_the_events_before_it(tmp_path: Path) -> None:
    clock = Clock()
    app = make_app(Settings(data_dir=tmp_path), clock)
    try:
        team = app.handle(c.CreateTeam(name="Acme"), "ada").id
        year = app.handle(
            c.OpenCycle(
                name="2026", kind="ANNUAL", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
            ),
            "ada",
        ).id
        objective = app.handle(c.CreateObjective(cycle_id=year, team_id=team, title="Ship"), "ada")
        kr = app.handle(
            c.AddKeyResult(objective_id=objective.id, title="NPS", start_value=0, target_value=10),
            "ada",
        ).id
        clock.now = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
        app.handle(c.RecordCheckIn(key_result_id=kr, value=5), "ada")
        clock.now = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # stamped before that check-in
        app.handle(c.UpdateObjective(id=objective.id, expected_version=1, title="Ship it"), "ada")
        times = [e.timestamp for e in app.events.get(UUID(objective.id))]
        assert times == sorted(times)
        assert times[-1] == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    finally:
        app.close()
