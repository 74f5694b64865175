"""Commands of the strategy map and the alignment audit, mixed into :class:`Okra`.

They live beside the application rather than in it so that the feature stays in its
own modules; they use the application's helpers (``load``, ``commit``, ``retrying``)
exactly as its own commands do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository

from domain.access import Actor, require_admin
from domain.base import OkraAggregate, Stamp
from domain.cycle import Cycle
from domain.errors import InvalidInput, VersionConflict
from domain.objective import KEEP, Objective
from domain.strategy import DEFAULT_CONSTITUENTS, StrategyMap, StrategyTags, entries, matching
from domain.team import Team

if TYPE_CHECKING:
    from domain.application import Saved

A = TypeVar("A", bound=OkraAggregate)
R = TypeVar("R")


class Okra(Protocol):
    """What these commands use of the application (typed as a protocol: a mixin)."""

    @property
    def repository(self) -> Repository[UUID]: ...

    def stamp(self, actor: Actor) -> Stamp: ...

    def authorize(self, actor: Actor, team_id: str | UUID) -> None: ...

    def load(self, cls: type[A], entity_id: UUID | str, field: str, missing: Any = ...) -> A: ...

    def commit(self, entity_id: UUID | str, *aggregates: OkraAggregate) -> Saved: ...

    def retrying(self, command: Callable[[], R], key: object) -> R: ...

    def strategy_map(self) -> StrategyMap | None: ...

    def tag_registry(self, cycle_id: str) -> StrategyTags | None: ...


class StrategyCommands:
    def define_strategy_map(
        self: Okra,
        *,
        actor: Actor,
        values: list[str] = KEEP,
        constituents: list[str] = KEEP,
        expected_version: int | None = None,
    ) -> Saved:
        """Define the map, or revise it: entries left out keep their current list.

        A first definition without constituents gets the five defaults. A revision
        that removes (or respells) an entry removes (or respells) it in the tags of
        every objective of an open cycle, in the same save; closed objectives keep
        their tags as the record of what they served.
        """

        def define() -> Saved:
            require_admin(actor, "define the strategy map")
            stamp = self.stamp(actor)
            strategy = self.strategy_map()
            new_values = None if values is KEEP else entries(values, "values")
            new_constituents = (
                None if constituents is KEEP else entries(constituents, "constituents")
            )
            if strategy is None:
                if expected_version not in (None, 0):
                    raise VersionConflict("StrategyMap", StrategyMap.id_for(), expected_version, 0)
                strategy = StrategyMap.define(
                    stamp,
                    values=new_values or [],
                    constituents=(
                        list(DEFAULT_CONSTITUENTS) if new_constituents is None else new_constituents
                    ),
                )
                return self.commit(strategy.id, strategy)
            strategy.check_revision(expected_version)
            new_values = strategy.values if new_values is None else new_values
            new_constituents = (
                strategy.constituents if new_constituents is None else new_constituents
            )
            narrowed = strategy.narrows(new_values, new_constituents)
            strategy.revise(stamp, values=new_values, constituents=new_constituents)
            if not narrowed:
                return self.commit(strategy.id, strategy)  # every tag stays valid
            touched: list[OkraAggregate] = []
            for cycle_id in list(strategy.registries):
                if not self.load(Cycle, cycle_id, "id").is_open:
                    strategy.retire_registry(stamp, cycle_id)
                    continue
                registry = self.load(StrategyTags, StrategyTags.id_for(cycle_id), "id")
                for objective_id, tags in list(registry.tags.items()):
                    kept = {
                        "values": matching(tags["values"], strategy.values),
                        "constituents": matching(tags["constituents"], strategy.constituents),
                    }
                    if kept != tags:
                        objective = self.load(Objective, objective_id, "id")
                        objective.tag(stamp, expected_version=None, **kept)
                        registry.note_tags(stamp, objective.id, **kept)
                        touched.append(objective)
                registry.note_revision(stamp, strategy.revision)
                touched.append(registry)
            return self.commit(strategy.id, strategy, *touched)

        return self.retrying(define, key=StrategyMap.id_for())

    def tag_objective(
        self: Okra,
        *,
        actor: Actor,
        objective_id: str,
        expected_version: int | None,
        values: list[str] = KEEP,
        constituents: list[str] = KEEP,
    ) -> Saved:
        """Set the values and constituents an objective serves; left out: unchanged."""

        def tag() -> Saved:
            stamp = self.stamp(actor)
            objective = self.load(Objective, objective_id, "id")
            self.authorize(actor, objective.team_id)
            objective.check_open()
            # The registry is read before the map: a revision saved after this read
            # collides with our save of the registry, one saved before it is in the
            # map the tags are checked against.
            registry = self.tag_registry(objective.cycle_id)
            strategy = self.strategy_map()
            if strategy is None:
                field = "values" if values is not KEEP else "constituents"
                raise InvalidInput(field, "no strategy map is defined yet: define one first")
            objective.tag(
                stamp,
                expected_version=expected_version,
                values=KEEP if values is KEEP else strategy.canonical("values", values),
                constituents=(
                    KEEP
                    if constituents is KEEP
                    else strategy.canonical("constituents", constituents)
                ),
            )
            if not objective.pending_events:
                return self.commit(objective.id)  # nothing changed, nothing to collide on
            # Saved together with the cycle's registry (and, for the cycle's first tag,
            # the map): a concurrent revision of the map collides with this tag.
            touched: list[OkraAggregate] = [objective]
            if registry is None:
                registry = StrategyTags.open(stamp, objective.cycle_id)
                strategy.open_registry(stamp, objective.cycle_id)
                touched.append(strategy)
            registry.note_tags(stamp, objective.id, objective.values, objective.constituents)
            return self.commit(objective.id, *touched, registry)

        return self.retrying(tag, key=objective_id)

    def set_check_in_cadence(
        self: Okra,
        *,
        actor: Actor,
        team_id: str,
        days: int | None,
        expected_version: int | None = None,
    ) -> Saved:
        """How many days a team lets pass between check-ins; None: the default."""

        def set_cadence() -> Saved:
            team = self.load(Team, team_id, "team_id")
            self.authorize(actor, team.id)
            team.set_check_in_cadence(
                self.stamp(actor), expected_version=expected_version, days=days
            )
            return self.commit(team.id, team)

        return self.retrying(set_cadence, key=team_id)

    def strategy_map(self: Okra) -> StrategyMap | None:
        try:
            strategy: OkraAggregate = self.repository.get(StrategyMap.id_for())
        except AggregateNotFoundError:
            return None
        assert isinstance(strategy, StrategyMap)
        return strategy

    def tag_registry(self: Okra, cycle_id: str) -> StrategyTags | None:
        try:
            registry: OkraAggregate = self.repository.get(StrategyTags.id_for(cycle_id))
        except AggregateNotFoundError:
            return None
        assert isinstance(registry, StrategyTags)
        return registry
