"""Handlers of the objective commands: set, edit, align and carry over."""

from __future__ import annotations

from uuid import UUID

from domain.application.commands import (
    AlignObjective,
    CarryOverObjective,
    CreateObjective,
    Saved,
    UpdateObjective,
)
from domain.application.handlers.owners import assignees
from domain.application.handlers.strategy import carry_tags
from domain.application.unit import UnitOfWork
from domain.model.base import OkraAggregate
from domain.model.cascade import CascadeRegister
from domain.model.cycle import Cycle
from domain.model.edits import KEEP
from domain.model.errors import CycleClosed, InvalidInput, NotFound
from domain.model.objective import Objective, ObjectiveStatus, objective_of
from domain.model.team import Team


def create_objective(command: CreateObjective, uow: UnitOfWork) -> Saved:
    cycle = uow.load(Cycle, command.cycle_id, "cycle_id", missing=InvalidInput)
    team = uow.load(Team, command.team_id, "team_id", missing=InvalidInput)
    uow.authorize(team.id)
    if not cycle.is_open:
        raise CycleClosed(cycle.name)
    team.check_active("team_id")
    objective = Objective.create(
        uow.stamp,
        cycle_id=cycle.id,
        team_id=team.id,
        title=command.title,
        description=command.description,
        kind=command.kind,
        parent_key_result_id=parent_key_result(uow, command.parent_key_result_id),
        aligned_with=aligned_objectives(uow, command.aligned_with or [], None),
        **assignees(uow, command.owner_id, command.contributor_ids),
    )
    cycle.schedule(uow.stamp, objective.id, team.id)
    return uow.commit(objective.id, objective, cycle)


def update_objective(command: UpdateObjective, uow: UnitOfWork) -> Saved:
    objective = uow.changing(Objective, command.id, "id")
    objective.update(uow.stamp, **command.arguments("id"))
    return uow.commit(objective.id, objective)


def align_objective(command: AlignObjective, uow: UnitOfWork) -> Saved:
    """Re-point the cascade (checked for loops) and the horizontal alignment.

    A re-pointing is saved with the cascade register, so that concurrent re-pointings
    collide and cannot close a loop between them.
    """
    objective = uow.changing(Objective, command.id, "id")
    objective.check_open()
    parent = command.parent_key_result_id
    register = None
    if parent is not KEEP:
        # Read before the walk: a re-pointing that lands after this read makes our
        # save collide; one that landed before it is seen by the walk.
        register = uow.find(CascadeRegister, CascadeRegister.id_for()) or CascadeRegister.open(
            uow.stamp
        )
        parent = parent_key_result(uow, parent)
        check_no_loop(uow, objective.id, parent)
    aligned = command.aligned_with
    if aligned is not KEEP:
        aligned = aligned_objectives(uow, aligned or [], objective.id)
    repointed = parent is not KEEP and parent != objective.parent_key_result_id
    objective.align(
        uow.stamp,
        expected_version=command.expected_version,
        parent_key_result_id=parent,
        aligned_with=aligned,
    )
    if not repointed:
        return uow.commit(objective.id, objective)
    assert register is not None
    register.note(uow.stamp, objective.id, parent)
    return uow.commit(objective.id, objective, register)


def carry_over_objective(command: CarryOverObjective, uow: UnitOfWork) -> Saved:
    """Start the objective again in a later, open cycle, linked both ways.

    The cascade is kept while its parent key result's objective is not closed (an
    annual key result still running); alignments likewise. Strategy-map tags that are
    still entries of the map carry over, registered like any tag.
    """
    source = uow.changing(Objective, command.id, "id")
    source.check_carriable()
    target = uow.load(Cycle, command.to_cycle_id, "to_cycle_id", missing=InvalidInput)
    origin = uow.load(Cycle, source.cycle_id, "id")
    if target.starts_on <= origin.starts_on:
        raise InvalidInput(
            "to_cycle_id",
            f"must start after the objective's cycle {origin.name} "
            f"({origin.starts_on.isoformat()})",
        )
    if not target.is_open:
        raise CycleClosed(target.name)
    uow.load(Team, source.team_id, "id").check_active("id")  # an archived team plans nothing
    successor = Objective.carry_over(
        uow.stamp,
        source,
        cycle_id=target.id,
        parent_key_result_id=_still_running(uow, source.parent_key_result_id),
        aligned_with=[a for a in source.aligned_with if not _closed(uow, a)],
    )
    source.carry_forward(uow.stamp, successor)
    target.schedule(uow.stamp, successor.id, UUID(successor.team_id))
    touched: list[OkraAggregate] = [successor, source, target]
    touched += carry_tags(uow, source, successor, target)
    return uow.commit(successor.id, *touched)


def parent_key_result(uow: UnitOfWork, key_result_id: str | None) -> str | None:
    """The key result an objective cascades from, which must exist."""
    if key_result_id is None:
        return None
    try:
        return uow.key_result(key_result_id, "parent_key_result_id")[1].id
    except NotFound:
        raise InvalidInput(
            "parent_key_result_id", f"key result {key_result_id} does not exist"
        ) from None


def aligned_objectives(uow: UnitOfWork, ids: list[str], own_id: UUID | None) -> list[str]:
    """Existing objectives, each once, never the objective itself."""
    result: list[str] = []
    for objective_id in ids:
        objective = uow.load(Objective, objective_id, "aligned_with", missing=InvalidInput)
        if objective.id == own_id:
            raise InvalidInput("aligned_with", "an objective cannot align with itself")
        if str(objective.id) not in result:
            result.append(str(objective.id))
    return result


def check_no_loop(uow: UnitOfWork, objective_id: UUID, parent_key_result_id: str | None) -> None:
    """Walk up the cascade from the new parent; meeting ourselves means a loop."""
    seen: set[UUID] = set()
    current = parent_key_result_id
    while current is not None:
        ancestor_id = objective_of(current)
        if ancestor_id == objective_id:
            raise InvalidInput("parent_key_result_id", "the cascade would form a loop")
        if ancestor_id is None or ancestor_id in seen:
            return
        seen.add(ancestor_id)
        ancestor = uow.load(Objective, ancestor_id, "parent_key_result_id")
        current = ancestor.parent_key_result_id


def _closed(uow: UnitOfWork, objective_id: str) -> bool:
    objective = uow.find(Objective, objective_id)
    return objective is None or objective.status == ObjectiveStatus.CLOSED


def _still_running(uow: UnitOfWork, key_result_id: str | None) -> str | None:
    if key_result_id is None:
        return None
    parent = objective_of(key_result_id)
    return None if parent is None or _closed(uow, str(parent)) else key_result_id
