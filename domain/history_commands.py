"""Commands that continue or correct history: carrying an objective over into a later
cycle and regrading a closed cycle's key result. Mixed into :class:`Okra` like the
strategy commands, with the application's own helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.access import Actor
from domain.base import OkraAggregate, Stamp
from domain.cycle import Cycle
from domain.errors import CycleClosed, InvalidInput, NotFound
from domain.objective import Objective, objective_of
from domain.strategy import StrategyTags, matching
from domain.strategy_commands import Okra

if TYPE_CHECKING:
    from domain.application import Saved


class HistoryCommands:
    def carry_over_objective(
        self: Okra, *, actor: Actor, objective_id: str, to_cycle_id: str
    ) -> Saved:
        """Start the objective again in a later, open cycle, linked both ways.

        The cascade is kept while its parent key result's objective is not closed (an
        annual key result still running); alignments likewise. Strategy-map tags that
        are still entries of the map carry over, registered like any tag.
        """

        def carry() -> Saved:
            stamp = self.stamp(actor)
            source = self.load(Objective, objective_id, "id")
            self.authorize(actor, source.team_id)
            source.check_carriable()
            target = self.load(Cycle, to_cycle_id, "to_cycle_id", missing=InvalidInput)
            origin = self.load(Cycle, source.cycle_id, "id")
            if target.starts_on <= origin.starts_on:
                raise InvalidInput(
                    "to_cycle_id",
                    f"must start after the objective's cycle {origin.name} "
                    f"({origin.starts_on.isoformat()})",
                )
            if not target.is_open:
                raise CycleClosed(target.name)
            successor = Objective.carry_over(
                stamp,
                source,
                cycle_id=target.id,
                parent_key_result_id=_still_running(self, source.parent_key_result_id),
                aligned_with=[a for a in source.aligned_with if not _closed(self, a)],
            )
            source.carry_forward(stamp, successor)
            target.schedule(stamp, successor.id, UUID(successor.team_id))
            touched: list[OkraAggregate] = [successor, source, target]
            touched += _carry_tags(self, stamp, source, successor, target)
            return self.commit(successor.id, *touched)

        return self.retrying(carry, key=objective_id)

    def regrade_key_result(
        self: Okra,
        *,
        actor: Actor,
        key_result_id: str,
        grade: float,
        reason: str | None,
        expected_version: int | None = None,
    ) -> Saved:
        """Correct the grade a closed cycle froze; the original stays in history."""

        def regrade() -> Saved:
            objective_id = objective_of(key_result_id)
            if objective_id is None:
                raise NotFound("KeyResult", key_result_id, "id")
            try:
                objective = self.load(Objective, objective_id, "id")
                key_result = objective.key_result(key_result_id)
            except NotFound:
                raise NotFound("KeyResult", key_result_id, "id") from None
            self.authorize(actor, objective.team_id)
            objective.regrade_key_result(
                self.stamp(actor),
                key_result.id,
                expected_version=expected_version,
                grade=grade,
                reason=reason,
            )
            return self.commit(key_result.id, objective)

        return self.retrying(regrade, key=objective_of(key_result_id))


def _closed(app: Okra, objective_id: str) -> bool:
    try:
        return app.load(Objective, objective_id, "id").status == "CLOSED"
    except NotFound:
        return True


def _still_running(app: Okra, key_result_id: str | None) -> str | None:
    if key_result_id is None:
        return None
    parent = objective_of(key_result_id)
    return None if parent is None or _closed(app, str(parent)) else key_result_id


def _carry_tags(
    app: Okra, stamp: Stamp, source: Objective, successor: Objective, cycle: Cycle
) -> list[OkraAggregate]:
    """Tag the successor with the source's tags still on the map, as tag_objective does."""
    strategy = app.strategy_map()
    if strategy is None or not (source.values or source.constituents):
        return []
    values = matching(source.values, strategy.values)
    constituents = matching(source.constituents, strategy.constituents)
    if not (values or constituents):
        return []
    successor.tag(stamp, expected_version=None, values=values, constituents=constituents)
    touched: list[OkraAggregate] = []
    registry = app.tag_registry(str(cycle.id))
    if registry is None:
        registry = StrategyTags.open(stamp, str(cycle.id))
        strategy.open_registry(stamp, str(cycle.id))
        touched.append(strategy)
    registry.note_tags(stamp, successor.id, successor.values, successor.constituents)
    return [*touched, registry]
