"""Handler of ``okra import plan``: a cycle's objectives and key results in one save."""

from __future__ import annotations

from dataclasses import replace

from domain.application.commands import ImportPlan, Saved
from domain.application.commands.plans import PlanRow
from domain.application.handlers.owners import assignees
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.base import OkraAggregate
from domain.model.cycle import Cycle
from domain.model.errors import CycleClosed, InvalidInput
from domain.model.objective import Objective, ObjectiveKind
from domain.model.person import Person
from domain.model.team import Team

# The aggregates' field names, as the file's columns name them.
COLUMN_OF = {"start_value": "start", "target_value": "target", "title": "objective"}


def import_plan(command: ImportPlan, uow: UnitOfWork) -> Saved:
    """Every row applied to new objectives (each scheduled in the cycle), then one
    save; any row that breaks a rule refuses the whole plan, with every bad row listed
    (``line N: field: rule``). The rules are those of createObjective and addKeyResult,
    checked by the same aggregate methods, and the actor must be allowed to change
    each team's OKRs."""
    cycle = uow.load(Cycle, command.cycle_id, "cycle_id", missing=InvalidInput)
    if not cycle.is_open:
        raise CycleClosed(cycle.name)
    plan = _Plan(uow, cycle)
    errors = [] if command.rows else ["the file holds no objective"]
    for row in command.rows:
        try:
            plan.apply(row)
        except InvalidInput as error:
            column = COLUMN_OF.get(error.field, error.field)
            errors.append(f"line {row.line}: {column}: {error.rule}")
    if errors:
        raise InvalidInput("rows", "\n".join(errors))
    touched: list[OkraAggregate] = [*plan.objectives.values(), cycle]
    saved = uow.commit(next(iter(plan.objectives.values())).id, *touched)
    return replace(saved, notes=plan.notes())


class _Plan:
    """The new objectives of one file, by (team id, title ignoring case)."""

    def __init__(self, uow: UnitOfWork, cycle: Cycle) -> None:
        self.uow = uow
        self.cycle = cycle
        self.teams: dict[str, Team] = {}
        self.objectives: dict[tuple[str, str], Objective] = {}
        self.first: dict[tuple[str, str], PlanRow] = {}
        self._existing: set[tuple[str, str]] | None = None

    def apply(self, row: PlanRow) -> None:
        team = self.team(row.team_id)
        title = rules.title(row.objective, "objective")
        key = (str(team.id), title.casefold())
        objective = self.objectives.get(key)
        if objective is None:
            objective = self.create(key, team, title, row)
        else:
            self.same_as_first(row, self.first[key], title)
        if row.key_result is None:
            given = [f for f in ("start", "target", "unit", "weight", "owner") if getattr(row, f)]
            if given or row.milestones:
                field = given[0] if given else "milestones"
                raise InvalidInput(field, "belongs to a key result: give its key_result title")
            return
        objective.add_key_result(
            self.uow.stamp,
            title=rules.title(row.key_result, "key_result"),
            weight=1.0 if row.weight is None else row.weight,
            start_value=row.start,
            target_value=row.target,
            unit=row.unit,
            milestones=list(row.milestones) or None,
            **assignees(self.uow, self.person(row.owner, "owner"), None),
        )

    def team(self, team_id: str) -> Team:
        if team_id not in self.teams:
            team = self.uow.find(Team, team_id)
            if team is None:
                raise InvalidInput("team", f"no team has the id or name {team_id!r}")
            self.uow.authorize(team.id)
            self.teams[team_id] = team
        return self.teams[team_id]

    def person(self, handle: str | None, field: str) -> str | None:
        """The id of the active person with that handle (None: the default owner)."""
        if not handle:
            return None
        person = self.uow.find(Person, Person.id_for(handle))
        if person is None:
            raise InvalidInput(field, f"no person has the handle {handle!r}")
        person.check_active(field)
        return str(person.id)

    def create(self, key: tuple[str, str], team: Team, title: str, row: PlanRow) -> Objective:
        if key in self.existing():
            raise InvalidInput(
                "objective", f"{team.name} already has {title!r} in {self.cycle.name}"
            )
        objective = Objective.create(
            self.uow.stamp,
            cycle_id=self.cycle.id,
            team_id=team.id,
            title=title,
            description=row.description,
            kind=(row.kind or ObjectiveKind.COMMITTED).upper(),
            parent_key_result_id=None,
            aligned_with=[],
            **assignees(self.uow, self.person(row.objective_owner, "objective_owner"), None),
        )
        self.cycle.schedule(self.uow.stamp, objective.id, team.id)
        self.objectives[key] = objective
        self.first[key] = row
        return objective

    def same_as_first(self, row: PlanRow, first: PlanRow, title: str) -> None:
        """An objective's kind, description and owner are its first row's: later rows
        may leave them empty or repeat them, not change them."""
        defaults = {"kind": ObjectiveKind.COMMITTED}
        for field in ("kind", "description", "objective_owner"):
            value = getattr(row, field)
            before = getattr(first, field) or defaults.get(field)
            if value and value.casefold() != (before or "").casefold():
                raise InvalidInput(field, f"differs from line {first.line}'s for {title!r}")

    def existing(self) -> set[tuple[str, str]]:
        """The cycle's objectives before this plan, by (team id, title ignoring case)."""
        if self._existing is None:
            self._existing = set()
            for objective_id in self.cycle.objective_ids:
                objective = self.uow.find(Objective, objective_id)
                if objective is not None:
                    self._existing.add((objective.team_id, objective.title.casefold()))
        return self._existing

    def notes(self) -> tuple[str, ...]:
        return tuple(
            f"{self.teams_by_id()[team_id].name}: {o.title} "
            f"({len(o.key_results)} key result{'s' * (len(o.key_results) != 1)})"
            for (team_id, _), o in self.objectives.items()
        )

    def teams_by_id(self) -> dict[str, Team]:
        return {str(team.id): team for team in self.teams.values()}
