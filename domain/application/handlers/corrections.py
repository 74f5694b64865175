"""Handlers of the corrections: retracting and correcting check-ins.

Who may correct a check-in is who may record one: the team's editors, and the owners of
the key result or of its objective.
"""

from __future__ import annotations

from domain.application.commands import CorrectCheckIn, RetractCheckIn, Saved
from domain.application.repository import replay
from domain.application.unit import UnitOfWork
from domain.model.check_ins import key_result_of
from domain.model.errors import NotFound
from domain.model.objective import KeyResult, Objective


def retract_check_in(command: RetractCheckIn, uow: UnitOfWork) -> Saved:
    objective, key_result = _measured(uow, command.check_in_id)
    objective.retract_check_in(uow.stamp, command.check_in_id, reason=command.reason)
    return uow.commit(key_result.id, objective)


def correct_check_in(command: CorrectCheckIn, uow: UnitOfWork) -> Saved:
    objective, key_result = _measured(uow, command.check_in_id)
    objective.correct_check_in(uow.stamp, **command.arguments())
    return uow.commit(key_result.id, objective)


def _measured(uow: UnitOfWork, check_in_id: str) -> tuple[Objective, KeyResult]:
    """The objective holding the check-in, once the actor may change its measurements,
    with its check-ins known (replayed from its stream if a snapshot from before they
    were remembered left them out)."""
    key_result_id = key_result_of(check_in_id)
    try:
        objective, key_result = uow.changing_key_result(key_result_id, "check_in_id", True)
    except NotFound:
        raise NotFound("CheckIn", check_in_id, "check_in_id") from None
    if objective.check_ins is None:
        objective = replay(None, uow.app.events.get(objective.id))
        key_result = objective.key_results[key_result_id]
    return objective, key_result
