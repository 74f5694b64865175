"""Documents of carried-over objectives and regraded key results.

Carry-over links live on both objective documents (``carried_over_from`` on the new
one, ``carried_over_to`` on the old one); documents of objectives that never took
part lack the keys, and readers default them. A regrade changes the key result's
``final_grade`` and the objective's ``grade``; the grades frozen at close stay as
``original_grade`` (and every correction in the history view).
"""

from __future__ import annotations

from domain.model import scoring
from domain.model.objective import Objective
from projections.documents import Batch, Doc, key_result_changed
from projections.handlers.dispatch import project


@project.register
def _(event: Objective.ObjectiveCarriedOver, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    # A carried-over objective starts as any new one does (whichever module says how).
    created = project.dispatch(Objective.ObjectiveCreated)(event, doc, pos, batch)
    assert created is not None
    return {
        **created,
        "carried_over_from": event.carried_over_from,
        "carried_over_to": None,
        "carry_over_count": event.carry_over_count,
    }


@project.register
def _(event: Objective.ObjectiveCarriedForward, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "carried_over_to": event.carried_over_to}


@project.register
def _(event: Objective.KeyResultRegraded, doc: Doc, pos: int, batch: Batch) -> Doc:
    new = key_result_changed(event, doc)
    grade = scoring.weighted_mean((kr["weight"], kr["final_grade"]) for kr in new["key_results"])
    return {**new, "grade": grade, "original_grade": doc.get("original_grade", doc["grade"])}
