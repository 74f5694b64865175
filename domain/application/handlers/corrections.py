"""Handlers of the corrections: retracting and correcting check-ins, removing key results.

Who may correct a check-in is who may record one: the team's editors, and the owners of
the key result or of its objective.
"""

from __future__ import annotations

from domain.application.commands import CorrectCheckIn, RemoveKeyResult, RetractCheckIn, Saved
from domain.application.handlers.key_results import in_cycle
from domain.application.repository import replay
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.action import Action
from domain.model.base import OkraAggregate
from domain.model.bet import Bet, BetOutcome, BetStatus
from domain.model.check_ins import key_result_of
from domain.model.errors import NotFound
from domain.model.objective import KeyResult, Objective
from domain.model.portfolio import Portfolio


def retract_check_in(command: RetractCheckIn, uow: UnitOfWork) -> Saved:
    objective, key_result = _measured(uow, command.check_in_id)
    objective.retract_check_in(uow.stamp, command.check_in_id, reason=command.reason)
    return uow.commit(key_result.id, objective)


def correct_check_in(command: CorrectCheckIn, uow: UnitOfWork) -> Saved:
    objective, key_result = _measured(uow, command.check_in_id)
    if command.as_of is not None:
        in_cycle(uow, objective.cycle_id, command.as_of)
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


def remove_key_result(command: RemoveKeyResult, uow: UnitOfWork) -> Saved:
    """The key result goes; its placed bets are withdrawn and their stakes released in the
    same save (a bet placed meanwhile collides on the portfolio's stream, and the retry
    sees it). Answers the objective."""
    objective, key_result = uow.changing_key_result(command.id, "id")
    objective.remove_key_result(uow.stamp, key_result.id, **command.arguments("id"))
    why = rules.text(command.reason, "reason")  # the domain refused it if empty
    withdrawn = _withdraw_bets(uow, objective, key_result.id, why)
    return uow.commit(str(objective.id), objective, *withdrawn)


def _withdraw_bets(
    uow: UnitOfWork, objective: Objective, key_result_id: str, reason: str
) -> list[OkraAggregate]:
    stakes = uow.find(Portfolio, Portfolio.id_for(objective.team_id, objective.cycle_id))
    if stakes is None:
        return []
    changed: list[OkraAggregate] = []
    for bet_id in list(stakes.stakes):
        bet = uow.find(Bet, bet_id)
        if bet is None or bet.key_result_id != key_result_id or bet.status != BetStatus.PLACED:
            continue
        bet.resolve(
            uow.stamp,
            expected_version=None,
            outcome=BetOutcome.WITHDRAWN,
            actual_impact=None,
            learning=f"Its key result was removed: {reason}",
        )
        stakes.release(uow.stamp, bet.id)
        changed.append(bet)
        action = uow.find(Action, bet.action_id)  # None: a bet from before actions
        if action is not None:
            action.resolve(uow.stamp, bet.status)
            changed.append(action)
    return [*changed, stakes] if changed else []
