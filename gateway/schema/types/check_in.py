"""The CheckIn type, and CheckInAsOf: a check-in as known at a past moment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from domain.model.check_ins import done_indices
from gateway.schema.context import Info
from gateway.schema.types.as_of import AsOfFields
from gateway.schema.types.node import Node
from projections.documents import Doc
from projections.views import CHECK_INS


@strawberry.type
class CheckInFields:
    """What a check-in shows, now or as of a moment."""

    key_result_id: strawberry.ID = strawberry.field(description="The key result it measures.")
    value: float | None = strawberry.field(
        description="The measured value of a metric key result; null for milestones."
    )
    milestones_done: int | None = strawberry.field(
        description="Milestones done, for a milestone key result; null for metrics."
    )
    done_milestones: list[int] | None = strawberry.field(
        description="Which milestones are done (indices from 0), when the check-in named "
        "them; null when it gave a count (the first milestonesDone) or for metrics."
    )
    confidence: float | None = strawberry.field(
        description="How likely the team thinks the key result will be reached, 0–1."
    )
    note: str = strawberry.field(description="What the team said with it; empty if nothing.")
    as_of: date = strawberry.field(description="The date the measurement is true for.")
    recorded_at: datetime = strawberry.field(
        description="When it was recorded (UTC); may be later than asOf."
    )
    recorded_by: str = strawberry.field(description="Who recorded it.")
    retracted: bool = strawberry.field(
        description="Whether it no longer counts: retracted (retractCheckIn) or replaced by "
        "a correction (correctCheckIn, see correctedBy). A retracted check-in stays listed; "
        "scores, trends, retrospectives and calibration leave it out."
    )
    retracted_at: datetime | None = strawberry.field(
        description="When it was retracted or corrected (UTC); null while it counts."
    )
    retracted_by: str | None = strawberry.field(
        description="Who retracted or corrected it; null while it counts."
    )
    retraction_reason: str | None = strawberry.field(
        description="Why it was retracted or corrected; null while it counts."
    )
    corrected_from: strawberry.ID | None = strawberry.field(
        description="The check-in this one corrects (correctCheckIn); null otherwise."
    )
    corrected_by: strawberry.ID | None = strawberry.field(
        description="The check-in that corrects this one; null unless it was corrected."
    )

    @staticmethod
    def fields_of(doc: Doc, at: datetime | None = None) -> dict[str, Any]:
        """The fields of the check-in's row; with ``at``, as known at that moment (a
        retraction recorded later is not known yet)."""
        retracted_at: str | None = doc.get("retracted_at")
        if (
            retracted_at is not None
            and at is not None
            and datetime.fromisoformat(retracted_at) > at
        ):
            retracted_at = None
        corrected_from, corrected_by = doc.get("corrected_from"), doc.get("corrected_by")
        return {
            "retracted": (known := retracted_at is not None),
            "retracted_at": datetime.fromisoformat(retracted_at) if retracted_at else None,
            "retracted_by": doc.get("retracted_by") if known else None,
            "retraction_reason": doc.get("retraction_reason") if known else None,
            "corrected_from": strawberry.ID(corrected_from) if corrected_from else None,
            "corrected_by": strawberry.ID(corrected_by) if known and corrected_by else None,
            "key_result_id": strawberry.ID(doc["key_result_id"]),
            "value": doc["value"],
            "milestones_done": doc["milestones_done"],
            "done_milestones": doc.get("done_milestones"),
            "confidence": doc["confidence"],
            "note": doc["note"],
            "as_of": date.fromisoformat(doc["as_of"]),
            "recorded_at": datetime.fromisoformat(doc["recorded_at"]),
            "recorded_by": doc["actor"],
        }


@strawberry.type(description="A measurement of a key result, true as of a date.")
class CheckIn(Node, CheckInFields, stored_in=CHECK_INS):
    id: strawberry.ID = strawberry.field(description="The check-in's opaque id.")

    @classmethod
    def from_doc(cls, doc: Doc) -> CheckIn:
        return cls(id=strawberry.ID(doc["id"]), **cls.fields_of(doc))


@strawberry.type(
    description="A check-in as it was known at a past moment (a key result's check-ins "
    "under keyResultAsOf or objectiveAsOf)."
)
class CheckInAsOf(AsOfFields, Node, CheckInFields):
    derived = True

    @classmethod
    def from_doc(cls, doc: Doc, at: datetime) -> CheckInAsOf:
        return cls(**cls.identity(doc["id"], at), **cls.fields_of(doc, at))

    @classmethod
    async def find(cls, info: Info, key: str) -> CheckInAsOf | None:
        async def recorded_by(check_in_id: str, at: datetime) -> Doc | None:
            doc = await info.context.loaders.one(CHECK_INS).load(check_in_id)
            known = doc is not None and datetime.fromisoformat(doc["recorded_at"]) <= at
            return doc if known else None

        return await cls.rebuilt(key, recorded_by)


def order(doc: Doc) -> tuple[str, int]:
    """Check-ins' order: by asOf, then by when they were recorded."""
    return (doc["as_of"], doc["pos"])


def counting_at(docs: list[Doc], at: datetime | None) -> list[Doc]:
    """The check-ins that counted at ``at`` (now, if None), in order: recorded by then,
    and not retracted or corrected by then."""
    known = [
        d
        for d in docs
        if at is None or datetime.fromisoformat(d["recorded_at"]) <= at
        if not (
            d.get("retracted_at")
            and (at is None or datetime.fromisoformat(d["retracted_at"]) <= at)
        )
    ]
    return sorted(known, key=order)


def done_since(check_ins: list[Doc], index: int) -> date | None:
    """The asOf of the check-in from which milestone ``index`` is done in every later one
    (check-ins in order); None if the latest does not have it done."""
    since: date | None = None
    for doc in check_ins:
        if index in done_indices(doc.get("done_milestones"), doc["milestones_done"]):
            since = since or date.fromisoformat(doc["as_of"])
        else:
            since = None
    return since
