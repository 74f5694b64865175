"""Handlers of the cycle commands."""

from __future__ import annotations

from domain.application.commands import CloseCycle, OpenCycle, Saved
from domain.application.handlers.bets import portfolio
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.cycle import Cycle, CycleKind
from domain.model.errors import CycleClosed, InvalidInput
from domain.model.objective import Objective


def open_cycle(command: OpenCycle, uow: UnitOfWork) -> Saved:
    uow.require_admin("open cycles")
    name = rules.title(command.name, "name")
    kind = rules.choice(command.kind, CycleKind, "kind")
    if command.ends_on < command.starts_on:
        raise InvalidInput("ends_on", "must not be before starts_on")
    parent: Cycle | None = None
    if kind == CycleKind.ANNUAL and command.parent_id:
        raise InvalidInput("parent_id", "an annual cycle has no parent cycle")
    if kind == CycleKind.QUARTERLY:
        if not command.parent_id:
            raise InvalidInput("parent_id", "a quarter needs its annual cycle")
        parent = uow.load(Cycle, command.parent_id, "parent_id", missing=InvalidInput)
        if parent.kind != CycleKind.ANNUAL:
            raise InvalidInput("parent_id", "a quarter's parent must be an annual cycle")
        if command.starts_on < parent.starts_on or command.ends_on > parent.ends_on:
            raise InvalidInput(
                "starts_on",
                f"a quarter must lie inside its annual cycle {parent.name} "
                f"({parent.starts_on.isoformat()} – {parent.ends_on.isoformat()})",
            )
    if uow.exists(Cycle.id_for(name)):
        raise InvalidInput("name", f"a cycle named {name} already exists")
    cycle = Cycle.open(
        uow.stamp,
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
    )
    return uow.commit(cycle.id, cycle)


def close_cycle(command: CloseCycle, uow: UnitOfWork) -> Saved:
    """Grade every objective of the cycle and close its portfolios, in one save."""
    uow.require_admin("close cycles")
    cycle = uow.load(Cycle, command.id, "id")
    cycle.check_revision(command.expected_version)
    if not cycle.is_open:
        raise CycleClosed(cycle.name)
    objectives = [uow.load(Objective, oid, "id") for oid in cycle.objective_ids]
    for objective in objectives:
        objective.grade_at_close(uow.stamp, cycle.name)
    portfolios = [portfolio(uow, team, str(cycle.id)) for team in cycle.team_ids]
    for each in portfolios:
        each.close(uow.stamp)
    cycle.close(uow.stamp)
    return uow.commit(cycle.id, cycle, *objectives, *portfolios)
