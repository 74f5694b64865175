"""Handlers of the key-result commands: add, edit, check in, regrade."""

from __future__ import annotations

from datetime import date

from domain.application.commands import (
    AddKeyResult,
    RecordCheckIn,
    RegradeKeyResult,
    Saved,
    UpdateKeyResult,
)
from domain.application.handlers.owners import assignees
from domain.application.unit import UnitOfWork
from domain.model.cycle import Cycle
from domain.model.errors import InvalidInput
from domain.model.objective import Objective


def add_key_result(command: AddKeyResult, uow: UnitOfWork) -> Saved:
    objective = uow.changing(Objective, command.objective_id, "objective_id")
    key_result = objective.add_key_result(
        uow.stamp,
        **command.arguments("objective_id", "owner_id", "contributor_ids"),
        **assignees(uow, command.owner_id, command.contributor_ids),
    )
    return uow.commit(key_result.id, objective)


def update_key_result(command: UpdateKeyResult, uow: UnitOfWork) -> Saved:
    objective, key_result = uow.changing_key_result(command.id, "id")
    objective.update_key_result(uow.stamp, key_result.id, **command.arguments("id"))
    return uow.commit(key_result.id, objective)


def record_check_in(command: RecordCheckIn, uow: UnitOfWork) -> Saved:
    objective, key_result = uow.changing_key_result(
        command.key_result_id, "key_result_id", owners_may=True
    )
    if command.as_of is not None:
        in_cycle(uow, objective.cycle_id, command.as_of)
    objective.record_check_in(uow.stamp, key_result.id, **command.arguments("key_result_id"))
    return uow.commit(key_result.id, objective)


def regrade_key_result(command: RegradeKeyResult, uow: UnitOfWork) -> Saved:
    """Correct the grade a closed cycle froze; the original stays in history."""
    objective, key_result = uow.changing_key_result(command.id, "id")
    objective.regrade_key_result(uow.stamp, key_result.id, **command.arguments("id"))
    return uow.commit(key_result.id, objective)


def in_cycle(uow: UnitOfWork, cycle_id: str, as_of: date) -> None:
    """A check-in dated on purpose lies within its cycle's days (a 2019 check-in on a
    2026 quarter is a typo). Left out, asOf is today, a real moment, and is let be.
    The days are read once per process: they never change."""
    days = uow.app.cycle_days.get(cycle_id)
    if days is None:
        cycle = uow.load(Cycle, cycle_id, "key_result_id")
        days = uow.app.cycle_days[cycle_id] = (cycle.starts_on, cycle.ends_on)
    first, last = days
    if not first <= as_of <= last:
        raise InvalidInput(
            "as_of", f"must lie within its cycle's days ({first.isoformat()} – {last.isoformat()})"
        )
