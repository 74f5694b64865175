"""Documents of the strategy map, objectives' tags and teams' check-in cadence.

The map is one document; tags and cadence are fields of the objective and team
documents (absent until first set: readers default them to empty and null).
"""

from __future__ import annotations

from domain.model.objective import Objective
from domain.model.strategy import StrategyMap
from domain.model.team import Team
from projections.handlers import Batch, Doc, _created, project


@project.register
def _(event: StrategyMap.StrategyMapDefined, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(event, pos, values=list(event.values), constituents=list(event.constituents))


@project.register(StrategyMap.StrategyMapRevised)
@project.register(Objective.ObjectiveTagged)
def _(event: StrategyMap.StrategyMapRevised, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, **{name: list(new) for name, (_, new) in event.changes.items()}}


@project.register
def _(event: Team.CheckInCadenceSet, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "check_in_cadence_days": event.days}
