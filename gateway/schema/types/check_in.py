"""The CheckIn type."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from projections.documents import Doc


@strawberry.type(description="A measurement of a key result, true as of a date.")
class CheckIn:
    id: strawberry.ID = strawberry.field(description="The check-in's opaque id.")
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

    @classmethod
    def from_doc(cls, doc: Doc) -> CheckIn:
        return cls(
            id=strawberry.ID(doc["id"]),
            key_result_id=strawberry.ID(doc["key_result_id"]),
            value=doc["value"],
            milestones_done=doc["milestones_done"],
            confidence=doc["confidence"],
            note=doc["note"],
            as_of=date.fromisoformat(doc["as_of"]),
            recorded_at=datetime.fromisoformat(doc["recorded_at"]),
            recorded_by=doc["actor"],
        )


def order(doc: Doc) -> tuple[str, int]:
    """Check-ins' order: by asOf, then by when they were recorded."""
    return (doc["as_of"], doc["pos"])
