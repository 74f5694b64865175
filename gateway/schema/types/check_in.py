"""The CheckIn type, and CheckInAsOf: a check-in as known at a past moment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

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
    confidence: float | None = strawberry.field(
        description="How likely the team thinks the key result will be reached, 0–1."
    )
    note: str = strawberry.field(description="What the team said with it; empty if nothing.")
    as_of: date = strawberry.field(description="The date the measurement is true for.")
    recorded_at: datetime = strawberry.field(
        description="When it was recorded (UTC); may be later than asOf."
    )
    recorded_by: str = strawberry.field(description="Who recorded it.")

    @staticmethod
    def fields_of(doc: Doc) -> dict[str, Any]:
        return {
            "key_result_id": strawberry.ID(doc["key_result_id"]),
            "value": doc["value"],
            "milestones_done": doc["milestones_done"],
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
        return cls(**cls.identity(doc["id"], at), **cls.fields_of(doc))

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
