"""Documents of objectives with their key results, and the check-in rows.

Key results are rows inside their objective's document; each event about one
replays onto the domain's ``KeyResult`` (see :func:`~projections.documents.key_result_changed`),
so the document's scores are the domain's.
"""

from __future__ import annotations

from domain.model.objective import Objective, ObjectiveStatus
from projections.documents import (
    Batch,
    Doc,
    check_in_doc,
    created,
    key_result_changed,
    key_result_of,
    key_result_row,
    rescored,
    revised,
)
from projections.handlers.dispatch import project
from projections.views import CHECK_INS, KEY_RESULT_OWNERS


@project.register
def _(event: Objective.ObjectiveCreated, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        cycle_id=event.cycle_id,
        team_id=event.team_id,
        title=event.title,
        description=event.description,
        kind=event.kind,
        status="ACTIVE",
        parent_key_result_id=event.parent_key_result_id,
        aligned_with=list(event.aligned_with),
        key_results=[],
        removed_key_results=[],  # the alignment tree finds children still pointing at them
        score=None,
        grade=None,
        owner_id=event.owner_id,
        contributor_ids=list(event.contributor_ids),
    )


@project.register(Objective.ObjectiveUpdated)
@project.register(Objective.ObjectiveAligned)
def _(event: Objective.ObjectiveUpdated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return revised(doc, event.changes)


@project.register
def _(event: Objective.KeyResultAdded, doc: Doc, pos: int, batch: Batch) -> Doc:
    row = key_result_row(event.key_result(), doc["id"], event, created=event)
    _note_owner(batch, doc, row, pos)
    return rescored(doc, [*doc["key_results"], row])


@project.register
def _(event: Objective.KeyResultOwnerAssigned, doc: Doc, pos: int, batch: Batch) -> Doc:
    new = key_result_changed(event, doc)
    for row in new["key_results"]:
        if row["id"] == event.key_result_id:
            _note_owner(batch, new, row, pos)
    return new


def _note_owner(batch: Batch, objective: Doc, row: Doc, pos: int) -> None:
    """The row that finds a key result by its owner (none for one without)."""
    if row["owner_id"] is not None:
        batch.put(
            KEY_RESULT_OWNERS,
            {
                "id": row["id"],
                "pos": pos,
                "owner_id": row["owner_id"],
                "objective_id": objective["id"],
                "cycle_id": objective["cycle_id"],
            },
        )


@project.register
def _(event: Objective.KeyResultEvent, doc: Doc, pos: int, batch: Batch) -> Doc:
    return key_result_changed(event, doc)


@project.register
def _(event: Objective.CheckInRecorded, doc: Doc, pos: int, batch: Batch) -> Doc:
    batch.put(CHECK_INS, check_in_doc(event, event.check_in_id, pos))
    return key_result_changed(event, doc)


@project.register
def _(event: Objective.ObjectiveGraded, doc: Doc, pos: int, batch: Batch) -> Doc:
    rows = []
    for row in doc["key_results"]:
        key_result = key_result_of(row)
        event.evolve(key_result)
        rows.append(key_result_row(key_result, doc["id"], event, previous=row))
    return {
        **rescored(doc, rows),
        "status": ObjectiveStatus.CLOSED,
        "grade": event.grade,
        "archived_at_close": doc["status"] == ObjectiveStatus.ARCHIVED,
    }
