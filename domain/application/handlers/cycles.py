"""Handlers of the cycle commands."""

from __future__ import annotations

from domain.application.commands import CancelCycle, CloseCycle, OpenCycle, RenameCycle, Saved
from domain.application.handlers.bets import portfolio
from domain.application.log import logged
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.calendar import Calendar
from domain.model.cycle import Cycle, CycleKind
from domain.model.errors import CycleClosed, InvalidInput
from domain.model.objective import Objective


def open_cycle(command: OpenCycle, uow: UnitOfWork) -> Saved:
    uow.require_admin("open cycles")
    name = rules.title(command.name, "name")
    kind = rules.choice(command.kind, CycleKind, "kind")
    rules.day(command.starts_on, "starts_on")
    rules.day(command.ends_on, "ends_on")
    if command.ends_on < command.starts_on:
        raise InvalidInput("ends_on", "must not be before startsOn")
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
        raise InvalidInput("name", f"a cycle named {name} already exists (or once did)")
    book = calendar(uow)
    book.check_name(name, "name")
    entry = Calendar.entry(
        name, kind, str(parent.id) if parent else None, command.starts_on, command.ends_on
    )
    book.check_overlap(entry, "starts_on")
    cycle = Cycle.open(
        uow.stamp,
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
    )
    book.enter(uow.stamp, cycle.id, entry)
    return uow.commit(cycle.id, cycle, book)


def calendar(uow: UnitOfWork) -> Calendar:
    """The organisation's calendar; opened, the first time, with every cycle the log
    holds (a store from before it: only openings, for nothing else existed)."""
    book = uow.find(Calendar, Calendar.id_for())
    if book is None:
        book = Calendar.open(
            uow.stamp,
            {
                str(event.originator_id): Calendar.entry(
                    event.name, event.kind, event.parent_id, event.starts_on, event.ends_on
                )
                for event in logged(uow.app, Cycle.CycleOpened)
            },
        )
    return book


def rename_cycle(command: RenameCycle, uow: UnitOfWork) -> Saved:
    uow.require_admin("rename cycles")
    cycle = uow.load(Cycle, command.id, "id")
    cycle.check_revision(command.expected_version)
    name = rules.title(command.name, "name")
    book = calendar(uow)
    book.check_name(name, "name", str(cycle.id))
    cycle.rename(uow.stamp, name)
    entry = book.cycles.get(str(cycle.id)) or Calendar.entry(
        cycle.name, cycle.kind, cycle.parent_id, cycle.starts_on, cycle.ends_on
    )
    book.enter(uow.stamp, cycle.id, {**entry, "name": name})
    return uow.commit(cycle.id, cycle, book)


def cancel_cycle(command: CancelCycle, uow: UnitOfWork) -> Saved:
    """Cancelling touches the cycle, so it collides with an objective being scheduled
    in it at the same moment (the retry finds the cycle no longer empty)."""
    uow.require_admin("cancel cycles")
    cycle = uow.load(Cycle, command.id, "id")
    cycle.check_revision(command.expected_version)
    cycle.cancel(uow.stamp)
    book = calendar(uow)
    entry = book.cycles.get(str(cycle.id)) or Calendar.entry(
        cycle.name, cycle.kind, cycle.parent_id, cycle.starts_on, cycle.ends_on
    )
    book.enter(uow.stamp, cycle.id, {**entry, "cancelled": True})
    return uow.commit(cycle.id, cycle, book)


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
