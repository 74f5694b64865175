"""Documents: what the views hold, and the helpers every projection handler shares.

A document is a plain JSON-able dict, so the projection handlers stay pure Python
(no database, no driver) and both stores, the projector and the gateway speak the
same shape. :class:`Batch` is the unit of work between them: the projector preloads
a batch's documents, the handlers read and write them in memory, and the store
commits what changed in one transaction.

Key results live inside their objective's document; the helpers for their rows are
here because more than one feature rewrites them (check-ins, grading, regrades).
Their rules (which check-in is current, how a score is computed) are the domain's
own: the helpers replay domain events onto the domain's ``KeyResult``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.model import scoring
from domain.model.base import OkraAggregate
from domain.model.objective import KeyResult, Objective
from projections.views import View

Doc = dict[str, Any]


class Batch:
    """The documents a batch of events reads and writes, held in memory until commit."""

    def __init__(self, loaded: dict[str, dict[str, Doc]]) -> None:
        self.docs = loaded
        self.dirty: dict[str, dict[str, Doc]] = {}

    def get(self, view: View, doc_id: str) -> Doc | None:
        return self.docs.get(view.name, {}).get(doc_id)

    def put(self, view: View, doc: Doc) -> None:
        self.docs.setdefault(view.name, {})[doc["id"]] = doc
        self.dirty.setdefault(view.name, {})[doc["id"]] = doc


def iso(value: date | datetime | None) -> str | None:
    """Dates and times as documents store them (ISO 8601 text, so both databases sort
    and compare them the same way)."""
    return value.isoformat() if value is not None else None


def created(event: OkraAggregate.Event, pos: int, **fields: Any) -> Doc:
    """A new document: the fields every document starts with, plus the event's own."""
    return {
        "id": str(event.originator_id),
        "pos": pos,
        "created_at": iso(event.timestamp),
        "created_by": event.actor,
        **fields,
    }


def revised(doc: Doc, changes: dict[str, Any]) -> Doc:
    """The document with an event's ``changes`` map (``{field: (old, new)}``) applied."""
    return {**doc, **{name: new for name, (_, new) in changes.items()}}


# -- key results, inside their objective's document ----------------------------------


def key_result_changed(event: Objective.KeyResultEvent, doc: Doc) -> Doc:
    """The objective's document after an event about one of its key results."""
    rows = list(doc["key_results"])
    for index, row in enumerate(rows):
        if row["id"] == event.key_result_id:
            key_result = key_result_of(row)
            event.evolve(key_result)
            rows[index] = key_result_row(key_result, doc["id"], event, previous=row)
    return rescored(doc, rows)


_KEY_RESULT_FIELDS = tuple(KeyResult.__dataclass_fields__)


def key_result_of(row: Doc) -> KeyResult:
    """The domain's key result from its row, so domain rules apply the event."""
    fields = {name: row[name] for name in _KEY_RESULT_FIELDS}
    fields["as_of"] = date.fromisoformat(row["as_of"]) if row["as_of"] else None
    fields["milestones"] = list(row["milestones"])
    return KeyResult(**fields)


def key_result_row(
    key_result: KeyResult,
    objective_id: str,
    event: OkraAggregate.Event,
    previous: Doc | None = None,
    created: OkraAggregate.Event | None = None,
) -> Doc:
    """The row of a key result as ``event`` left it; ``previous`` is the row before
    (None for a new key result, whose creation is ``created``)."""
    row = vars(key_result).copy()
    row["as_of"] = iso(key_result.as_of)
    row["measure"] = key_result.measure
    row["score"] = key_result.score()
    row["objective_id"] = objective_id
    row["updated_at"] = iso(event.timestamp)
    row["updated_by"] = event.actor
    if previous is not None:
        row["created_at"] = previous["created_at"]
        row["created_by"] = previous["created_by"]
        if key_result.version == previous["version"]:  # the event did not touch it
            row["updated_at"] = previous["updated_at"]
            row["updated_by"] = previous["updated_by"]
    else:
        assert created is not None
        row["created_at"] = row["updated_at"]
        row["created_by"] = created.actor
    return row


def check_in_doc(event: Any, check_in_id: str, pos: int, **extra: Any) -> Doc:
    """The row of a check-in recorded (or a correction's new one) by ``event``; it counts
    until a retraction or correction says otherwise (``retracted``)."""
    return {
        "id": check_in_id,
        "pos": pos,
        "key_result_id": event.key_result_id,
        "objective_id": str(event.originator_id),
        "value": event.value,
        "milestones_done": event.milestones_done,
        "done_milestones": event.done_milestones,
        "confidence": event.confidence,
        "note": event.note,
        "as_of": iso(event.as_of),
        "recorded_at": iso(event.timestamp),
        "actor": event.actor,
        "retracted": False,
        "retracted_at": None,
        "retracted_by": None,
        "retraction_reason": None,
        "corrected_from": None,
        "corrected_by": None,
        **extra,
    }


def counting(check_ins: list[Doc]) -> list[Doc]:
    """The check-ins that count: neither retracted nor replaced by a correction."""
    return [c for c in check_ins if not c.get("retracted")]


def rescored(doc: Doc, rows: list[Doc]) -> Doc:
    """The objective's score is the weighted mean of its key results' (already derived)."""
    score = scoring.weighted_mean((row["weight"], row["score"]) for row in rows)
    return {**doc, "key_results": rows, "score": score}
