"""Handlers of the action commands: propose, edit, drop, rank, and collaboration."""

from __future__ import annotations

from domain.application.commands import (
    AcceptCollaboration,
    DeclineCollaboration,
    DropAction,
    OfferCollaboration,
    ProposeAction,
    RankActions,
    Saved,
    UpdateAction,
)
from domain.application.unit import UnitOfWork
from domain.model.action import Action
from domain.model.errors import InvalidInput
from domain.model.objective import Objective
from domain.model.team import Team


def open_objective(uow: UnitOfWork, action: Action, field: str) -> Objective:
    """The objective of the action's key result, refused once its cycle is closed."""
    objective, _ = uow.key_result(action.key_result_id, field)
    objective.check_open()
    return objective


def propose_action(command: ProposeAction, uow: UnitOfWork) -> Saved:
    objective, _ = uow.changing_key_result(command.key_result_id, "key_result_id")
    objective.check_open()
    action = Action.propose(
        uow.stamp,
        objective_id=str(objective.id),
        team_id=objective.team_id,
        cycle_id=objective.cycle_id,
        **command.arguments(),
    )
    return uow.commit(action.id, action)


def update_action(command: UpdateAction, uow: UnitOfWork) -> Saved:
    action = uow.changing(Action, command.id, "id")
    open_objective(uow, action, "id")
    action.update(uow.stamp, **command.arguments("id"))
    return uow.commit(action.id, action)


def drop_action(command: DropAction, uow: UnitOfWork) -> Saved:
    action = uow.changing(Action, command.id, "id")
    open_objective(uow, action, "id")
    action.drop(uow.stamp, **command.arguments("id"))
    return uow.commit(action.id, action)


def rank_actions(command: RankActions, uow: UnitOfWork) -> Saved:
    """Ranks 1, 2, … in the order given; every id must be one of that key result's
    actions, each once."""
    objective, _ = uow.changing_key_result(command.key_result_id, "key_result_id")
    objective.check_open()
    if len(set(command.action_ids)) != len(command.action_ids):
        raise InvalidInput("action_ids", "names an action twice")
    actions: list[Action] = []
    for action_id in command.action_ids:
        action = uow.find(Action, action_id)
        if action is None or action.key_result_id != command.key_result_id:
            raise InvalidInput(
                "action_ids",
                f"{action_id} is not an action of key result {command.key_result_id} that "
                "can be ranked (the actions of bets placed before actions existed cannot)",
            )
        actions.append(action)
    for rank, action in enumerate(actions, 1):
        action.set_rank(uow.stamp, rank)
    return uow.commit(command.key_result_id, *actions)


def offer_collaboration(command: OfferCollaboration, uow: UnitOfWork) -> Saved:
    """A member of the offering team offers; the owning team answers."""
    team = uow.load(Team, command.team_id, "team_id", missing=InvalidInput)
    uow.authorize(team.id)
    action = uow.load(Action, command.action_id, "action_id")
    open_objective(uow, action, "action_id")
    person_id = command.person_id
    if person_id is not None and str(team.id) not in uow.person(person_id, "person_id").memberships:
        raise InvalidInput("person_id", "is not a member of the offering team")
    action.offer(uow.stamp, team_id=str(team.id), person_id=person_id, note=command.note)
    return uow.commit(action.id, action)


def accept_collaboration(command: AcceptCollaboration, uow: UnitOfWork) -> Saved:
    return _answer(command, uow, accept=True)


def decline_collaboration(command: DeclineCollaboration, uow: UnitOfWork) -> Saved:
    return _answer(command, uow, accept=False)


def _answer(
    command: AcceptCollaboration | DeclineCollaboration, uow: UnitOfWork, *, accept: bool
) -> Saved:
    action = uow.changing(Action, command.action_id, "action_id")
    open_objective(uow, action, "action_id")
    action.answer(uow.stamp, team_id=str(command.team_id), accept=accept)
    return uow.commit(action.id, action)
