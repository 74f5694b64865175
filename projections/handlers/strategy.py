"""Documents of the strategy map and objectives' tags.

The map is one document; tags are fields of the objective documents (absent until
first set: readers default them to empty).
"""

from __future__ import annotations

from domain.model.objective import Objective
from domain.model.strategy import StrategyMap
from projections.documents import Batch, Doc, created
from projections.handlers.dispatch import project


@project.register
def _(event: StrategyMap.StrategyMapDefined, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(event, pos, values=list(event.values), constituents=list(event.constituents))


@project.register(StrategyMap.StrategyMapRevised)
@project.register(Objective.ObjectiveTagged)
def _(event: StrategyMap.StrategyMapRevised, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, **{name: list(new) for name, (_, new) in event.changes.items()}}
