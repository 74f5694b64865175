"""The domain's commands, through the one door (``Okra.handle``), on eventsourcing's
in-memory store: the rules, refusals that store nothing, and what runs around every
handler. ``tests/integration/test_domain_stores.py`` runs the same class on SQLite
and PostgreSQL by overriding its ``env``."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID

import pytest

from domain.application import commands as c
from domain.application.access import Forbidden, Principal
from domain.application.bus import HANDLERS
from domain.application.commands.people import PersonRow
from domain.application.okra import Okra
from domain.model.errors import BudgetExceeded, CycleClosed, InvalidInput, VersionConflict
from domain.model.objective import Objective
from domain.model.person import Person
from domain.model.roles import Role

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class TestCommands:
    env: ClassVar[dict[str, str]] = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

    @pytest.fixture
    def app(self) -> Iterator[Okra]:
        app = Okra(env=self.env_for_test(), clock=lambda: NOW)
        try:
            yield app
        finally:
            app.close()

    def env_for_test(self) -> dict[str, str]:
        return dict(self.env)

    # -- helpers ----------------------------------------------------------------------

    def org(self, app: Okra) -> dict[str, str]:
        acme = app.handle(c.CreateTeam(name="Acme"), "ada").id
        platform = app.handle(c.CreateTeam(name="Platform", parent_id=acme), "ada").id
        sales = app.handle(c.CreateTeam(name="Sales", parent_id=acme), "ada").id
        year = app.handle(
            c.OpenCycle(
                name="2026", kind="ANNUAL", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
            ),
            "ada",
        ).id
        objective = app.handle(
            c.CreateObjective(cycle_id=year, team_id=platform, title="Fail over alone"), "ada"
        ).id
        kr = app.handle(
            c.AddKeyResult(objective_id=objective, title="Drills", start_value=0, target_value=10),
            "ada",
        ).id
        return {"acme": acme, "platform": platform, "sales": sales, "year": year,
                "objective": objective, "kr": kr}  # fmt: skip

    def head(self, app: Okra) -> int:
        return app.recorder.max_notification_id() or 0

    def refused(self, app: Okra, error: type[Exception], command: Any, actor: Any) -> Exception:
        """The command is refused with ``error`` and appends nothing."""
        before = self.head(app)
        with pytest.raises(error) as refusal:
            app.handle(command, actor)
        assert self.head(app) == before
        return refusal.value

    # -- tests --------------------------------------------------------------------------

    def test_every_command_has_one_handler(self) -> None:
        commands = {getattr(c, name) for name in c.__all__}
        commands -= {c.Command, c.Saved, c.EntityId, c.Id}
        assert set(HANDLERS) == commands

    def test_a_check_in_moves_the_score_and_the_key_results_version(self, app: Okra) -> None:
        ids = self.org(app)
        saved = app.handle(c.RecordCheckIn(key_result_id=ids["kr"], value=4, confidence=0.6), "ada")
        assert saved.id == ids["kr"] and saved.events == 1
        objective: Objective = app.repository.get(UUID(ids["objective"]))
        key_result = objective.key_results[ids["kr"]]
        assert (key_result.current, key_result.version, objective.score) == (4, 2, 0.4)
        assert key_result.as_of == NOW.date()

    def test_members_change_only_their_teams_okrs(self, app: Okra) -> None:
        ids = self.org(app)
        outsider = Principal("sam", Role.MEMBER, frozenset({ids["sales"]}))
        self.refused(app, Forbidden, c.RecordCheckIn(key_result_id=ids["kr"], value=1), outsider)
        member_above = Principal("tom", Role.MEMBER, frozenset({ids["acme"]}))
        app.handle(c.RecordCheckIn(key_result_id=ids["kr"], value=1), member_above)
        viewer = Principal("vic", Role.VIEWER)
        self.refused(app, Forbidden, c.CreateTeam(name="Ops"), viewer)

    def test_a_stale_version_is_a_conflict(self, app: Okra) -> None:
        ids = self.org(app)
        app.handle(c.UpdateObjective(id=ids["objective"], expected_version=1, title="B"), "ada")
        conflict = self.refused(
            app,
            VersionConflict,
            c.UpdateObjective(id=ids["objective"], expected_version=1, title="C"),
            "ada",
        )
        assert "version 2, not 1" in str(conflict)

    def test_bad_input_names_the_field(self, app: Okra) -> None:
        ids = self.org(app)
        refusal = self.refused(
            app,
            InvalidInput,
            c.RecordCheckIn(key_result_id=ids["kr"], value=1, confidence=2),
            "ada",
        )
        assert isinstance(refusal, InvalidInput) and refusal.field == "confidence"
        refusal = self.refused(
            app, InvalidInput, c.CreateObjective(cycle_id=ids["year"], team_id=ids["sales"],
                                                 title="  "), "ada",
        )  # fmt: skip
        assert isinstance(refusal, InvalidInput) and refusal.field == "title"

    def test_the_stake_budget_refuses_a_bet_past_it(self, app: Okra) -> None:
        ids = self.org(app)
        app.handle(
            c.SetStakeBudget(team_id=ids["platform"], cycle_id=ids["year"], budget=10), "ada"
        )
        bet = c.PlaceBet(
            key_result_id=ids["kr"], title="Spike", stake=6, odds=0.5, expected_impact=2
        )
        app.handle(bet, "ada")
        self.refused(app, BudgetExceeded, bet, "ada")

    def test_an_idempotent_retry_answers_the_first_answer(self, app: Okra) -> None:
        ids = self.org(app)
        check_in = c.RecordCheckIn(key_result_id=ids["kr"], value=3)
        first = app.handle(check_in, "ada", idempotency_key="k1")
        head = self.head(app)
        again = app.handle(check_in, "ada", idempotency_key="k1")
        assert again.id == first.id and self.head(app) == head
        other = c.RecordCheckIn(key_result_id=ids["kr"], value=4)
        with pytest.raises(InvalidInput) as refusal:
            app.handle(other, "ada", idempotency_key="k1")
        assert refusal.value.field == "idempotency_key"

    def test_a_cascade_cannot_loop(self, app: Okra) -> None:
        ids = self.org(app)
        child = app.handle(
            c.CreateObjective(
                cycle_id=ids["year"], team_id=ids["platform"], title="Below",
                parent_key_result_id=ids["kr"],
            ),
            "ada",
        ).id  # fmt: skip
        child_kr = app.handle(
            c.AddKeyResult(objective_id=child, title="KR", start_value=0, target_value=1), "ada"
        ).id
        loop = c.AlignObjective(
            id=ids["objective"], expected_version=1, parent_key_result_id=child_kr
        )
        refusal = self.refused(app, InvalidInput, loop, "ada")
        assert isinstance(refusal, InvalidInput) and refusal.field == "parent_key_result_id"

    def test_a_closed_cycle_is_read_only(self, app: Okra) -> None:
        ids = self.org(app)
        app.handle(c.RecordCheckIn(key_result_id=ids["kr"], value=5), "ada")
        app.handle(c.CloseCycle(id=ids["year"]), "ada")
        objective: Objective = app.repository.get(UUID(ids["objective"]))
        assert objective.grade == 0.5
        self.refused(app, CycleClosed, c.RecordCheckIn(key_result_id=ids["kr"], value=6), "ada")

    def test_a_token_is_answered_once_and_stored_as_a_hash(self, app: Okra) -> None:
        saved = app.handle(c.IssueToken(user="ada", role=Role.ADMIN), "cli")
        assert saved.secret is not None and saved.secret.startswith("okra_")
        token = app.repository.get(UUID(saved.id))
        assert saved.secret not in str(vars(token))

    # -- people -------------------------------------------------------------------------

    def test_handles_and_emails_are_unique_ignoring_case(self, app: Okra) -> None:
        ada = app.handle(c.AddPerson(handle="Ada", name="Ada", email="Ada@X.example"), "cli")
        person: Person = app.repository.get(UUID(ada.id))
        assert (person.handle, person.email, person.active) == ("ada", "Ada@X.example", True)
        for command, field in [
            (c.AddPerson(handle="ADA", name="Another"), "handle"),
            (c.AddPerson(handle="bo", name="Bo", email="ada@x.EXAMPLE"), "email"),
            (c.AddPerson(handle="b o", name="Bo"), "handle"),
        ]:
            refusal = self.refused(app, InvalidInput, command, "cli")
            assert isinstance(refusal, InvalidInput) and refusal.field == field
        # An email given up is free again.
        app.handle(c.UpdatePerson(id=ada.id, email="ada@y.example"), "cli")
        app.handle(c.AddPerson(handle="bo", name="Bo", email="ADA@x.example"), "cli")

    def test_two_people_racing_for_one_email_cannot_both_have_it(self, app: Okra) -> None:
        """Each addition saves the people directory too, so the second collides, is
        retried from a fresh load, and finds the email taken."""
        commands = [
            c.AddPerson(handle=f"racer{n}", name="Racer", email="same@x.example") for n in range(4)
        ]
        with ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(lambda cmd: self.outcome(app, cmd), commands))
        assert sorted(outcomes) == ["InvalidInput"] * 3 + ["ok"]

    def outcome(self, app: Okra, command: Any) -> str:
        try:
            app.handle(command, "cli")
        except InvalidInput as refusal:
            assert refusal.field == "email"
            return "InvalidInput"
        return "ok"

    def test_memberships_decide_what_a_person_may_change(self, app: Okra) -> None:
        ids = self.org(app)
        lea = app.handle(c.AddPerson(handle="lea", name="Lea"), "cli").id
        app.handle(c.AddMember(team_id=ids["acme"], person_id=lea, role="LEAD"), "cli")
        lead = Principal("lea", Role.MEMBER, person_id=lea)
        app.handle(c.RecordCheckIn(key_result_id=ids["kr"], value=2), lead)  # Platform is below
        app.handle(c.AddMember(team_id=ids["platform"], person_id=lea, role="MEMBER"), lead)
        app.handle(c.ChangeMemberRole(team_id=ids["acme"], person_id=lea, role="CHAMPION"), lead)
        champion = lead  # the same person: memberships are read afresh by every command
        self.refused(app, Forbidden, c.AddMember(team_id=ids["sales"], person_id=lea), champion)
        app.handle(c.RecordCheckIn(key_result_id=ids["kr"], value=3), champion)  # Platform member
        app.handle(c.RemoveMember(team_id=ids["platform"], person_id=lea), "cli")
        self.refused(app, Forbidden, c.RecordCheckIn(key_result_id=ids["kr"], value=4), champion)
        app.handle(c.DeactivatePerson(id=lea), "cli")
        refusal = self.refused(app, Forbidden, c.CreateTeam(name="Ops"),
                               Principal("lea", Role.ADMIN, person_id=lea))  # fmt: skip
        assert "no longer an active person" in str(refusal)

    def test_a_new_entity_is_owned_by_the_person_creating_it(self, app: Okra) -> None:
        ids = self.org(app)
        lea = app.handle(c.AddPerson(handle="lea", name="Lea"), "cli").id
        app.handle(c.AddMember(team_id=ids["platform"], person_id=lea), "cli")
        as_lea = Principal("lea", Role.MEMBER, person_id=lea)
        kr = app.handle(
            c.AddKeyResult(objective_id=ids["objective"], title="T", start_value=0, target_value=1),
            as_lea,
        ).id
        bet = app.handle(
            c.PlaceBet(key_result_id=kr, title="B", stake=1, odds=0.5, expected_impact=1), as_lea
        ).id
        objective: Objective = app.repository.get(UUID(ids["objective"]))
        assert objective.owner_id is None  # set by "ada", a trusted actor who is nobody
        assert objective.key_results[kr].owner_id == lea
        assert app.repository.get(UUID(bet)).owner_id == lea
        app.handle(c.DeactivatePerson(id=lea), "cli")
        refusal = self.refused(
            app, InvalidInput, c.AssignOwner(entity_id=ids["objective"], owner_id=lea), "cli"
        )
        assert isinstance(refusal, InvalidInput) and refusal.field == "owner_id"

    def test_an_import_is_applied_whole_or_not_at_all(self, app: Okra) -> None:
        ids = self.org(app)
        rows = [
            PersonRow(line=2, handle="ada", name="Ada", email="ada@x.example",
                      team_id=ids["acme"], role="LEAD"),
            PersonRow(line=3, handle="bo", name="Bo", team_id=ids["sales"]),
            PersonRow(line=4, handle="cy", name="Cy", email="ADA@x.example"),
        ]  # fmt: skip
        refusal = self.refused(app, InvalidInput, c.ImportPeople(rows=rows), "cli")
        assert str(refusal).startswith("rows: line 4: email: ADA@x.example is already")
        saved = app.handle(c.ImportPeople(rows=rows[:2]), "cli")
        assert saved.notes == (
            "added ada: Ada <ada@x.example>; joined Acme as LEAD",
            "added bo: Bo; joined Sales as MEMBER",
        )
        again = app.handle(c.ImportPeople(rows=rows[:2]), "cli")
        assert (again.events, again.notes) == (0, ("left alone ada", "left alone bo"))
