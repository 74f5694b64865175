"""Handlers of the strategy-map commands: define or revise the map, tag objectives.

Tags must never outlive the entries they name (see ``domain.model.strategy``): a tag
saves the cycle's tag registry (or, for a cycle's first tag, the map) with the
objective, and a revision that narrows the map saves every open cycle's registry, so
the second of two racing commands collides and is retried from a fresh load.
"""

from __future__ import annotations

from domain.application.access import TAGGERS
from domain.application.commands import DefineStrategyMap, Saved, TagObjective
from domain.application.unit import UnitOfWork
from domain.model.base import OkraAggregate
from domain.model.cycle import Cycle
from domain.model.edits import KEEP
from domain.model.errors import InvalidInput, VersionConflict
from domain.model.objective import Objective
from domain.model.strategy import (
    DEFAULT_CONSTITUENTS,
    StrategyMap,
    StrategyTags,
    entries,
    matching,
)


def define_strategy_map(command: DefineStrategyMap, uow: UnitOfWork) -> Saved:
    """Define the map, or revise it: entries left out keep their current list.

    A first definition without constituents gets the five defaults. A revision that
    removes (or respells) an entry removes (or respells) it in the tags of every
    objective of an open cycle, in the same save; closed objectives keep their tags
    as the record of what they served.
    """
    uow.require_admin("define the strategy map")
    strategy = uow.find(StrategyMap, StrategyMap.id_for())
    values = None if command.values is KEEP else entries(command.values, "values")
    constituents = (
        None if command.constituents is KEEP else entries(command.constituents, "constituents")
    )
    if strategy is None:
        if command.expected_version not in (None, 0):
            raise VersionConflict(
                "StrategyMap", StrategyMap.id_for(), command.expected_version or 0, 0
            )
        strategy = StrategyMap.define(
            uow.stamp,
            values=values or [],
            constituents=list(DEFAULT_CONSTITUENTS) if constituents is None else constituents,
        )
        return uow.commit(strategy.id, strategy)
    strategy.check_revision(command.expected_version)
    values = strategy.values if values is None else values
    constituents = strategy.constituents if constituents is None else constituents
    narrowed = strategy.narrows(values, constituents)
    strategy.revise(uow.stamp, values=values, constituents=constituents)
    if not narrowed:
        return uow.commit(strategy.id, strategy)  # every tag stays valid
    touched: list[OkraAggregate] = []
    for cycle_id in list(strategy.registries):
        if not uow.load(Cycle, cycle_id, "id").is_open:
            strategy.retire_registry(uow.stamp, cycle_id)
            continue
        registry = uow.load(StrategyTags, StrategyTags.id_for(cycle_id), "id")
        for objective_id, tags in list(registry.tags.items()):
            kept = {
                "values": matching(tags["values"], strategy.values),
                "constituents": matching(tags["constituents"], strategy.constituents),
            }
            if kept != tags:
                objective = uow.load(Objective, objective_id, "id")
                objective.tag(uow.stamp, expected_version=None, **kept)
                registry.note_tags(uow.stamp, objective.id, **kept)
                touched.append(objective)
        registry.note_revision(uow.stamp, strategy.revision)
        touched.append(registry)
    return uow.commit(strategy.id, strategy, *touched)


def tag_objective(command: TagObjective, uow: UnitOfWork) -> Saved:
    """Set the values and constituents an objective serves; left out: unchanged."""
    objective = uow.changing(Objective, command.id, "id", TAGGERS)
    objective.check_open()
    # The registry is read before the map: a revision saved after this read collides
    # with our save of the registry, one saved before it is in the map the tags are
    # checked against.
    registry = uow.find(StrategyTags, StrategyTags.id_for(objective.cycle_id))
    strategy = uow.find(StrategyMap, StrategyMap.id_for())
    if strategy is None:
        field = "values" if command.values is not KEEP else "constituents"
        raise InvalidInput(field, "no strategy map is defined yet: define one first")
    objective.tag(
        uow.stamp,
        expected_version=command.expected_version,
        values=KEEP if command.values is KEEP else strategy.canonical("values", command.values),
        constituents=(
            KEEP
            if command.constituents is KEEP
            else strategy.canonical("constituents", command.constituents)
        ),
    )
    if not objective.pending_events:
        return uow.commit(objective.id)  # nothing changed, nothing to collide on
    return uow.commit(objective.id, objective, *note_tags(uow, strategy, registry, objective))


def carry_tags(
    uow: UnitOfWork, source: Objective, successor: Objective, cycle: Cycle
) -> list[OkraAggregate]:
    """Tag a carried-over objective with its source's tags still on the map."""
    strategy = uow.find(StrategyMap, StrategyMap.id_for())
    if strategy is None or not (source.values or source.constituents):
        return []
    values = matching(source.values, strategy.values)
    constituents = matching(source.constituents, strategy.constituents)
    if not (values or constituents):
        return []
    successor.tag(uow.stamp, expected_version=None, values=values, constituents=constituents)
    registry = uow.find(StrategyTags, StrategyTags.id_for(cycle.id))
    return note_tags(uow, strategy, registry, successor)


def note_tags(
    uow: UnitOfWork, strategy: StrategyMap, registry: StrategyTags | None, objective: Objective
) -> list[OkraAggregate]:
    """The aggregates to save with a tagged objective: its cycle's registry, opened (and
    noted on the map) for the cycle's first tag, so that a revision collides with it."""
    touched: list[OkraAggregate] = []
    if registry is None:
        registry = StrategyTags.open(uow.stamp, objective.cycle_id)
        strategy.open_registry(uow.stamp, objective.cycle_id)
        touched.append(strategy)
    registry.note_tags(uow.stamp, objective.id, objective.values, objective.constituents)
    return [*touched, registry]
