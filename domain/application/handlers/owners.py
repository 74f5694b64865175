"""Handlers of who owns and who contributes: assigning an owner, setting contributors,
and choosing both when an objective, a key result or a bet is created.

Only active people are assigned. An entity created without an owner is owned by the
person who creates it, when a person does (a CLI or import creates it ownerless).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.application.access import person_of
from domain.application.commands import AssignOwner, Saved, SetContributors
from domain.application.unit import UnitOfWork
from domain.model.base import OkraAggregate
from domain.model.bet import Bet
from domain.model.errors import InvalidInput, NotFound
from domain.model.objective import Objective, objective_of

CONTRIBUTORS_MAX = 50


def assign_owner(command: AssignOwner, uow: UnitOfWork) -> Saved:
    def assign(entity: Any, key_result_id: str | None) -> None:
        owner = str(uow.person(command.owner_id, "owner_id").id)
        if key_result_id is None:
            entity.assign_owner(uow.stamp, owner_id=owner, reason=command.reason)
        else:
            entity.assign_key_result_owner(
                uow.stamp, key_result_id, owner_id=owner, reason=command.reason
            )

    return change_owned(uow, command.entity_id, assign)


def set_contributors(command: SetContributors, uow: UnitOfWork) -> Saved:
    def set_them(entity: Any, key_result_id: str | None) -> None:
        people = contributors(uow, command.person_ids, "person_ids")
        if key_result_id is None:
            entity.set_contributors(uow.stamp, contributor_ids=people)
        else:
            entity.set_key_result_contributors(uow.stamp, key_result_id, contributor_ids=people)

    return change_owned(uow, command.entity_id, set_them)


def change_owned(
    uow: UnitOfWork, entity_id: str, change: Callable[[Any, str | None], None]
) -> Saved:
    """Apply ``change`` to the objective, key result or bet ``entity_id`` names, once
    the actor may change its team's OKRs; ``change`` gets the aggregate and, for a key
    result, its id."""
    if objective_of(entity_id) is not None:
        objective, key_result = uow.changing_key_result(entity_id, "entity_id")
        change(objective, key_result.id)
        return uow.commit(key_result.id, objective)
    entity = uow.find(OkraAggregate, entity_id)
    if not isinstance(entity, Objective | Bet):
        raise NotFound("Objective, key result or bet", entity_id, "entity_id")
    uow.authorize(entity.team_id)
    change(entity, None)
    return uow.commit(entity.id, entity)


def assignees(
    uow: UnitOfWork, owner_id: str | None, contributor_ids: list[str] | None
) -> dict[str, Any]:
    """The owner and contributors of a new entity, as its creation takes them: the owner
    given, or the person creating it."""
    owner = str(uow.person(owner_id, "owner_id").id) if owner_id else person_of(uow.actor)
    return {
        "owner_id": owner,
        "contributor_ids": contributors(uow, contributor_ids or [], "contributor_ids"),
    }


def contributors(uow: UnitOfWork, person_ids: list[str], field: str) -> list[str]:
    """Active people, each once, in the order given."""
    found: list[str] = []
    for person_id in person_ids:
        person = str(uow.person(person_id, field).id)
        if person not in found:
            found.append(person)
    if len(found) > CONTRIBUTORS_MAX:
        raise InvalidInput(field, f"at most {CONTRIBUTORS_MAX} contributors")
    return found
