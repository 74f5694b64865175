"""Handlers of the bet commands: place, resolve, and the team's stake budget."""

from __future__ import annotations

from domain.application.commands import PlaceBet, ResolveBet, Saved, SetStakeBudget
from domain.application.handlers.owners import assignees
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.action import Action
from domain.model.bet import Bet, BetStatus
from domain.model.cycle import Cycle
from domain.model.errors import CycleClosed, InvalidInput
from domain.model.objective import Objective
from domain.model.portfolio import Portfolio
from domain.model.team import Team


def place_bet(command: PlaceBet, uow: UnitOfWork) -> Saved:
    """The bet and its stake, committed to the team's portfolio in the same save: two
    bets that together would break the budget collide on the portfolio's stream."""
    objective, _ = uow.changing_key_result(command.key_result_id, "key_result_id")
    objective.check_open()
    team = uow.load(Team, objective.team_id, "key_result_id")
    action = idea_of(command, uow, objective)
    bet = Bet.place(
        uow.stamp,
        objective_id=str(objective.id),
        team_id=objective.team_id,
        cycle_id=objective.cycle_id,
        **command.arguments("owner_id", "contributor_ids", "action_id", "hypothesis"),
        # A bet on an idea states the idea's hypothesis unless it gives its own.
        hypothesis=action.hypothesis if command.hypothesis is None else command.hypothesis,
        **assignees(uow, command.owner_id, command.contributor_ids),
        action_id=str(action.id),
    )
    action.place_bet(uow.stamp, bet.id)
    stakes = portfolio(uow, objective.team_id, objective.cycle_id)
    if stakes.closed:
        raise CycleClosed(objective.cycle_name or objective.cycle_id)
    stakes.commit(uow.stamp, bet.id, bet.stake, team.stake_unit)
    # The action first: the views then know it when they see the bet.
    return uow.commit(bet.id, action, bet, stakes)


def idea_of(command: PlaceBet, uow: UnitOfWork, objective: Objective) -> Action:
    """The idea the bet is placed on: the one named (of that key result, still an
    idea), or a new one made with the bet."""
    if command.action_id is None:
        return Action.propose(
            uow.stamp,
            key_result_id=command.key_result_id,
            objective_id=str(objective.id),
            team_id=objective.team_id,
            cycle_id=objective.cycle_id,
            title=command.title,
            hypothesis=command.hypothesis,
        )
    action = uow.load(Action, command.action_id, "action_id", missing=InvalidInput)
    if action.key_result_id != command.key_result_id:
        raise InvalidInput("action_id", "is an action of another key result")
    action.check_idea("action_id", "bet on it")
    return action


def resolve_bet(command: ResolveBet, uow: UnitOfWork) -> Saved:
    bet = uow.changing(Bet, command.id, "id", owners_may=True)
    bet.resolve(uow.stamp, **command.arguments("id"))
    action = uow.find(Action, bet.action_id)  # None: a bet from before actions
    if action is not None:
        action.resolve(uow.stamp, bet.status)
    touched = (bet,) if action is None else (bet, action)
    if bet.status != BetStatus.WITHDRAWN:
        return uow.commit(bet.id, *touched)
    # A withdrawn bet gives its stake back, which only an open cycle can use.
    stakes = uow.load(Portfolio, Portfolio.id_for(bet.team_id, bet.cycle_id), "id")
    if stakes.closed:
        raise CycleClosed(uow.load(Cycle, bet.cycle_id, "id").name)
    stakes.release(uow.stamp, bet.id)
    return uow.commit(bet.id, *touched, stakes)


def set_stake_budget(command: SetStakeBudget, uow: UnitOfWork) -> Saved:
    team = uow.changing(Team, command.team_id, "team_id")
    cycle = uow.load(Cycle, command.cycle_id, "cycle_id")
    if not cycle.is_open:
        raise CycleClosed(cycle.name)
    budget = command.budget
    if budget is not None and rules.finite(budget, "budget") < 0:
        raise InvalidInput("budget", "must not be negative")
    stakes = portfolio(uow, str(team.id), str(cycle.id))
    stakes.set_budget(uow.stamp, budget, team.stake_unit)
    return uow.commit(str(stakes.id), stakes)


def portfolio(uow: UnitOfWork, team_id: str, cycle_id: str) -> Portfolio:
    """A team's portfolio in a cycle, opened on first use (its id derives from both)."""
    found = uow.find(Portfolio, Portfolio.id_for(team_id, cycle_id))
    return found or Portfolio.open(uow.stamp, team_id=team_id, cycle_id=cycle_id)
