"""Notices, without a store: which step of a silence is due on which day, when a
digest is due, and the rules of the two notice commands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from domain.application import commands as c
from domain.application.okra import Okra
from domain.model.errors import InvalidInput
from domain.model.notice import Notice, NoticeKind
from domain.model.person import Person
from domain.model.team import Team
from projections import notices

STARTS = date(2026, 10, 1)


def org() -> notices.Organisation:
    teams = [
        {"id": "acme", "name": "Acme", "parent_id": None},
        {"id": "support", "name": "Support", "parent_id": "acme"},
    ]
    people = [
        {"id": p, "handle": p, "name": p.title(), "email": None, "active": True}
        for p in ("sam", "priya", "tom")
    ]
    memberships = [
        {"team_id": "support", "person_id": "priya", "role": "LEAD"},
        {"team_id": "acme", "person_id": "tom", "role": "LEAD"},
        {"team_id": "support", "person_id": "sam", "role": "MEMBER"},
    ]
    return notices.Organisation(teams, people, memberships)


def step_on(day: date, team: str = "support") -> tuple[str, int, list[str], date] | None:
    objective = {"id": "o", "title": "Answer", "team_id": team, "owner_id": None}
    kr = {"id": "o.1", "title": "First", "as_of": None, "owner_id": "sam",
          "created_at": "2026-09-20T10:00:00+00:00"}  # fmt: skip
    due = notices._silence_step(org(), objective, kr, STARTS, day, cadence=7)
    if due is None:
        return None
    return due.kind.value, due.step, [r["handle"] for r in due.recipients], due.due_on


def test_each_step_of_a_silence_falls_due_on_one_day() -> None:
    days = {STARTS + timedelta(days=n): step_on(STARTS + timedelta(days=n)) for n in range(40)}
    changes = {}
    previous = None
    for day, found in days.items():
        if found != previous:
            changes[day.isoformat()] = found
        previous = found
    assert changes == {
        "2026-10-09": ("CHECK_IN_DUE", 1, ["sam"], date(2026, 10, 9)),
        "2026-10-16": ("SILENCE_ESCALATED", 2, ["priya"], date(2026, 10, 16)),
        "2026-10-23": ("SILENCE_ESCALATED", 3, ["tom"], date(2026, 10, 23)),
    }


def test_a_top_level_team_has_nobody_above_to_tell() -> None:
    assert step_on(date(2026, 10, 23), team="acme") is None
    assert step_on(date(2026, 10, 16), team="acme") == (
        "SILENCE_ESCALATED", 2, ["tom"], date(2026, 10, 16)
    )  # fmt: skip


def test_a_digest_is_due_from_its_hour_on_its_weekday() -> None:
    monday = datetime(2026, 10, 5, 8, 59, tzinfo=UTC)
    assert not notices.digest_due({}, monday)
    assert notices.digest_due({}, monday.replace(hour=9))
    assert notices.digest_due({}, monday.replace(hour=23))
    assert not notices.digest_due({}, monday + timedelta(days=1, hours=1))
    friday = {"digest_weekday": 5, "digest_hour": 0}
    assert notices.digest_due(friday, datetime(2026, 10, 9, 0, 0, tzinfo=UTC))


def test_notice_ids_say_what_they_are_about() -> None:
    one = Notice.id_for(NoticeKind.CHECK_IN_DUE, "o.1", "2026-10-09")
    assert one == Notice.id_for(NoticeKind.CHECK_IN_DUE, "o.1", "2026-10-09", 1)
    assert one != Notice.id_for(NoticeKind.CHECK_IN_DUE, "o.1", "2026-10-10")
    assert one != Notice.id_for(NoticeKind.SILENCE_ESCALATED, "o.1", "2026-10-09", 2)


@pytest.fixture
def app() -> Iterator[Okra]:
    app = Okra(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
               clock=lambda: datetime(2026, 10, 1, tzinfo=UTC))  # fmt: skip
    try:
        yield app
    finally:
        app.close()


def test_the_notice_commands_keep_their_rules(app: Okra) -> None:
    team = app.handle(c.CreateTeam(name="Support"), "admin").id
    person = app.handle(c.AddPerson(handle="sam", name="Sam"), "admin").id
    for bad, field in (({"weekday": 0}, "weekday"), ({"hour": 24}, "hour")):
        with pytest.raises(InvalidInput) as refused:
            app.handle(c.SetDigestSchedule(team_id=team, **bad), "admin")  # type: ignore[arg-type]
        assert refused.value.field == field
    app.handle(c.SetDigestSchedule(team_id=team, weekday=5, hour=16), "admin")
    stored: Team = app.repository.get(UUID(team))
    assert (stored.digest_weekday, stored.digest_hour) == (5, 16)
    with pytest.raises(InvalidInput) as refused:
        app.handle(c.SetNotificationPreferences(person_id=person, muted_channels=["SMS"]), "admin")  # type: ignore[list-item]
    assert refused.value.field == "muted_channels"
    app.handle(c.SetNotificationPreferences(person_id=person, muted_channels=["EMAIL"]), "admin")  # type: ignore[list-item]
    sam: Person = app.repository.get(Person.id_for("sam"))
    assert sam.muted_channels == ["EMAIL"]
