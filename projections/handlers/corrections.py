"""Documents of carried-over objectives, regraded key results, and retracted or corrected
check-ins.

Carry-over links live on both objective documents (``carried_over_from`` on the new
one, ``carried_over_to`` on the old one); documents of objectives that never took
part lack the keys, and readers default them. A regrade changes the key result's
``final_grade`` and the objective's ``grade``; the grades frozen at close stay as
``original_grade`` (and every correction in the history view).

A retracted check-in's row stays, flagged (``retracted`` with who, when and why); a
correction flags the original the same way (``corrected_by``) and adds its own row
(``corrected_from``). The key result's row takes where the event says it now stands.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.model import scoring
from domain.model.base import OkraAggregate
from domain.model.objective import Objective
from projections.documents import Batch, Doc, check_in_doc, iso, key_result_changed, rescored
from projections.handlers.dispatch import observer, project
from projections.views import CHECK_INS, View


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


@project.register
def _(event: Objective.KeyResultRemoved, doc: Doc, pos: int, batch: Batch) -> Doc:
    """Gone from the objective's document (and score); its history and check-ins stay,
    and its id is kept: objectives may still cascade from it (projections/tree.py)."""
    new = rescored(doc, [row for row in doc["key_results"] if row["id"] != event.key_result_id])
    return {**new, "removed_key_results": [*doc["removed_key_results"], event.key_result_id]}


class RevisedCheckIns:
    """Flags the check-in a retraction or correction takes back (an observer, since the
    check-in's row is not the event's own document: the projector preloads it)."""

    def wants(self, event: OkraAggregate.Event) -> Iterable[tuple[View, str]]:
        if isinstance(event, Objective.CheckInRevised):
            yield CHECK_INS, event.check_in_id

    def observe(
        self, event: OkraAggregate.Event, pos: int, batch: Batch, before: Doc | None
    ) -> None:
        if not isinstance(event, Objective.CheckInRevised):
            return
        corrected = event if isinstance(event, Objective.CheckInCorrected) else None
        original = batch.get(CHECK_INS, event.check_in_id)
        if original is not None:
            batch.put(
                CHECK_INS,
                {
                    **original,
                    "retracted": True,
                    "retracted_at": iso(event.timestamp),
                    "retracted_by": event.actor,
                    "retraction_reason": event.reason,
                    "corrected_by": corrected.new_check_in_id if corrected else None,
                },
            )
        if corrected is not None:
            batch.put(
                CHECK_INS,
                check_in_doc(
                    corrected, corrected.new_check_in_id, pos, corrected_from=corrected.check_in_id
                ),
            )


observer(RevisedCheckIns())
