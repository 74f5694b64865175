"""The tamper-evident hash chain: `okra audit verify` catches rows edited behind OKRA's back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.application import commands as c
from domain.application.access import Principal
from domain.model.chain import digest
from gateway.backend import make_app
from gateway.settings import Settings
from tests.support.processes import verify
from tests.support.stored import Stored

ADMIN = Principal("ada", "admin")


def history(settings: Settings) -> dict[str, str]:
    """A small organisation with a target change among check-ins; its ids."""
    app = make_app(settings)
    try:
        team = app.handle(c.CreateTeam(name="Acme"), ADMIN).id
        year = app.handle(
            c.OpenCycle(
                name="2026", kind="ANNUAL", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
            ),
            ADMIN,
        ).id
        objective = app.handle(
            c.CreateObjective(cycle_id=year, team_id=team, title="Grow"), ADMIN
        ).id
        kr = app.handle(
            c.AddKeyResult(objective_id=objective, title="ARR", start_value=0, target_value=10),
            ADMIN,
        ).id
        app.handle(c.RecordCheckIn(key_result_id=kr, value=3, as_of=date(2026, 1, 5)), ADMIN)
        app.handle(
            c.UpdateKeyResult(id=kr, expected_version=None, target_value=8, reason="Budget cut"),
            ADMIN,
        )
        app.handle(c.RecordCheckIn(key_result_id=kr, value=4, as_of=date(2026, 1, 12)), ADMIN)
        return {"team": team, "objective": objective, "kr": kr}
    finally:
        app.close()


def test_an_untouched_store_verifies(settings: Settings) -> None:
    history(settings)
    result = verify(settings)
    assert result.returncode == 0, result.stderr
    events = len(Stored(settings).rows())
    # team, cycle, objective, and the team tree and calendar they are registered in
    assert f"OK: {events} events in 5 streams verified" in result.stdout
    assert "head digest" in result.stdout


def test_an_edited_row_breaks_the_chain_at_that_row(settings: Settings) -> None:
    ids = history(settings)
    stored = Stored(settings)
    position = stored.position_of("KeyResultTargetChanged")

    def soften(state: dict[str, Any]) -> None:
        state["changes"]["target_value"][1] = 6.0  # quietly lower the target further

    stored.rewrite(position, soften)
    result = verify(settings)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert f"position {position}: KeyResult {ids['kr']}, KeyResultTargetChanged" in first
    assert "does not match its hash" in first
    assert "1 broken link(s)" in result.stderr


def test_a_recomputed_hash_still_breaks_the_next_link(settings: Settings) -> None:
    """Whoever edits a row and fixes its hash is caught by the event after it."""
    history(settings)
    stored = Stored(settings)
    rows = stored.rows()
    position = stored.position_of("KeyResultTargetChanged")
    row = next(r for r in rows if r[0] == position)
    following = next(r for r in rows if r[1] == row[1] and r[2] == row[2] + 1)

    def forge(state: dict[str, Any]) -> None:
        state["reason"] = "Nobody asked"
        # Rehash as the chain does, from the decoded fields (timestamp as stored).
        fields = {**state, "originator_id": row[1], "originator_version": row[2]}
        fields["timestamp"] = state["timestamp"]["_data_"]
        state["chain_hash"] = digest(row[3], fields)

    stored.rewrite(position, forge)
    result = verify(settings)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert f"position {following[0]}:" in first, result.stderr
    assert "does not link to the stream's previous event" in first


def test_a_deleted_event_is_a_gap(settings: Settings) -> None:
    ids = history(settings)
    stored = Stored(settings)
    position = stored.position_of("KeyResultTargetChanged")
    stored.delete(position)
    result = verify(settings)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert f"KeyResult {ids['kr']}, CheckInRecorded" in first
    assert "version 5 follows version 3" in first


@pytest.mark.parametrize("field", ["actor", "timestamp"])
def test_who_and_when_are_covered_too(settings: Settings, field: str) -> None:
    history(settings)
    stored = Stored(settings)
    position = stored.position_of("ObjectiveCreated")

    def blame(state: dict[str, Any]) -> None:
        if field == "actor":
            state["actor"] = "somebody.else"
        else:
            state["timestamp"]["_data_"] = "2020-01-01T00:00:00+00:00"

    stored.rewrite(position, blame)
    result = verify(settings)
    assert result.returncode == 1
    assert f"position {position}: Objective " in result.stderr.splitlines()[0]


def test_a_forged_snapshot_is_caught(settings: Settings) -> None:
    """Snapshots are where commands and time travel start: one edited behind OKRA's back
    must not pass for the truth."""
    ids = history(settings)
    app = make_app(settings)
    try:
        for value in range(60):  # past the objective's snapshot interval
            app.handle(c.RecordCheckIn(key_result_id=ids["kr"], value=value % 10), ADMIN)
    finally:
        app.close()
    assert verify(settings).returncode == 0
    Stored(settings).execute(
        "UPDATE okra_snapshots "
        "SET state = convert_to(replace(convert_from(state, 'UTF8'), 'Grow', 'Gone'), 'UTF8')",
        "UPDATE stored_snapshots "
        "SET state = CAST(replace(CAST(state AS TEXT), 'Grow', 'Gone') AS BLOB)",
    )
    forged = verify(settings)
    assert forged.returncode == 1
    assert f"FORGED the snapshot of {ids['objective']} at version" in forged.stderr
