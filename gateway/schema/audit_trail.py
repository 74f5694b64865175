"""The audit trail over GraphQL: who changed what, when, from what, to what, and why.

Entries come from the history view (one row per event, :mod:`projections.history`),
paged by log position: newest first by default, oldest first on request. A cursor is
a log position, so a page stays put while new events arrive (they sort before the
first page newest first, after the last one oldest first). Every filter has a
(column, position) index: a page filtered by entity reads an index range.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway.schema import loading
from gateway.schema.choices import choice
from gateway.schema.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    Page,
    paginate,
)
from gateway.schema.context import Info
from gateway.schema.errors import OkraError, camel
from gateway.schema.moments import utc
from projections.documents import Doc
from projections.history import EVENT_TYPES, moment
from projections.store import Between
from projections.views import HISTORY

if TYPE_CHECKING:
    from gateway.schema.types.person import Person

ACTOR_PERSON = (
    "The person whose handle the actor is (ignoring case); null for an actor that is no "
    "person's handle (a CLI, the system, a token's user from before people existed that "
    "no person has adopted)."
)


@strawberry.enum(description="The kind of entity a history entry is about.")
class HistoryEntityType(Enum):
    TEAM = choice("TEAM", description="A team.")
    CYCLE = choice("CYCLE", description="A cycle.")
    OBJECTIVE = choice("OBJECTIVE", description="An objective.")
    KEY_RESULT = choice("KEY_RESULT", description="A key result (its check-ins included).")
    BET = choice("BET", description="A bet.")
    PORTFOLIO = choice("PORTFOLIO", description="A team's stake budget in a cycle.")
    STRATEGY_MAP = choice("STRATEGY_MAP", description="The strategy map.")
    PERSON = choice("PERSON", description="A person (their teams and roles included).")
    ACTION = choice("ACTION", description="An action: an idea, or the action of a bet.")


@strawberry.enum(description="The order of a history list, by log position.")
class HistoryOrder(Enum):
    NEWEST_FIRST = choice("NEWEST_FIRST", description="The latest change first.")
    OLDEST_FIRST = choice("OLDEST_FIRST", description="The earliest change first.")


@strawberry.type(description="One field an event changed, from what to what.")
class FieldChange:
    field: str = strawberry.field(description="The field, as the API spells it (camelCase).")
    from_: JSON | None = strawberry.field(
        name="from",
        description="Its value before; null when the event set it for the first time. For "
        "a check-in: the key result's current measurement before it.",
    )
    to: JSON | None = strawberry.field(description="Its value after the event.")


@strawberry.type(description="One recorded event: who did what to which entity, and when.")
class AuditEntry:
    position: int = strawberry.field(
        description="The event's position in the log: the order of history."
    )
    recorded_at: datetime = strawberry.field(description="When the event was recorded.")
    actor: str = strawberry.field(
        description="Who recorded it, as recorded: a person's handle, or the user of a "
        "token from before people existed."
    )
    event_type: str = strawberry.field(
        description="What happened, a past-tense event name such as KeyResultTargetChanged."
    )
    entity_type: HistoryEntityType = strawberry.field(description="What kind of entity.")
    entity_id: strawberry.ID = strawberry.field(
        description="The entity (a key result's own id for its events)."
    )
    cycle_id: strawberry.ID | None = strawberry.field(
        description="The cycle the entity belongs to, where it has one."
    )
    stream_version: int = strawberry.field(
        description="The event's version in its aggregate's stream (a key result's events "
        "are in its objective's stream)."
    )
    changes: list[FieldChange] = strawberry.field(description="What the event changed.")
    reason: str | None = strawberry.field(
        description="Why: the reason of a target change or regrade, a check-in's note, a "
        "resolved bet's learning."
    )
    hash: str | None = strawberry.field(
        description="The event's link in the tamper-evident hash chain (SHA-256, hex); "
        "`okra audit verify` recomputes it."
    )

    @classmethod
    def from_doc(cls, doc: Doc) -> AuditEntry:
        return cls(
            position=doc["pos"],
            recorded_at=datetime.fromisoformat(doc["recorded_at"]),
            actor=doc["actor"],
            event_type=doc["event_type"],
            entity_type=HistoryEntityType(doc["entity_type"]),
            entity_id=strawberry.ID(doc["entity_id"]),
            cycle_id=doc["cycle_id"],
            stream_version=doc["version"],
            changes=[
                FieldChange(field=camel(c["field"]), from_=c["from"], to=c["to"])
                for c in doc["changes"]
            ],
            reason=doc["reason"],
            hash=doc["hash"],
        )

    @strawberry.field(description=ACTOR_PERSON)
    async def actor_person(
        self, info: Info
    ) -> Annotated[Person, strawberry.lazy("gateway.schema.types.person")] | None:
        return await loading.person_by_handle(info, self.actor)


@strawberry.type(description="A correction of a closed cycle's grade for a key result.")
class GradeCorrection:
    grade: float = strawberry.field(description="The grade it set.")
    previous: float | None = strawberry.field(description="The grade it replaced.")
    reason: str = strawberry.field(description="Why.")
    corrected_at: datetime = strawberry.field(description="When it was recorded.")
    corrected_by: str = strawberry.field(description="Who recorded it.")


async def grade_corrections(
    info: Info, key_result_id: str, seen_at: datetime | None = None
) -> list[GradeCorrection]:
    """A key result's regrades, oldest first (up to ``seen_at`` with time travel)."""
    where: dict[str, Any] = {"entity_id": key_result_id, "event_type": "KeyResultRegraded"}
    if seen_at is not None:
        # Up to and including ``seen_at`` (the calendar's last moment has no successor).
        end = seen_at + timedelta(microseconds=1) if seen_at < LAST_MOMENT else None
        where["recorded_at"] = Between(None, moment(end) if end is not None else None)
    docs = await info.context.backend.store.find(HISTORY, where)
    return [
        GradeCorrection(
            grade=doc["changes"][0]["to"],
            previous=doc["changes"][0]["from"],
            reason=doc["reason"] or "",
            corrected_at=datetime.fromisoformat(doc["recorded_at"]),
            corrected_by=doc["actor"],
        )
        for doc in docs
    ]


@strawberry.input(
    description="Which entries of the audit trail to list; every filter given must match."
)
class AuditTrailFilter:
    entity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entries about this entity."
    )
    with_key_results: bool = strawberry.field(
        default=False,
        description="With the entityId of an objective: its key results' entries too.",
    )
    entity_type: HistoryEntityType | None = strawberry.field(
        default=None, description="Entries about entities of this kind."
    )
    actor: str | None = strawberry.field(default=None, description="Entries this person recorded.")
    event_types: list[str] | None = strawberry.field(
        default=None, description="Entries of any of these event types, e.g. CheckInRecorded."
    )
    cycle_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entries about entities of this cycle."
    )
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Entries recorded at or after this moment."
    )
    to: datetime | None = strawberry.field(
        default=None, description="Entries recorded before this moment."
    )


LAST_MOMENT = datetime.max.replace(tzinfo=UTC)


def where_of(filter: AuditTrailFilter | None) -> dict[str, Any]:
    where: dict[str, Any] = {}
    if filter is None:
        return where
    if filter.entity_id is not None:
        where["stream_id" if filter.with_key_results else "entity_id"] = str(filter.entity_id)
    if filter.entity_type is not None:
        where["entity_type"] = filter.entity_type.value
    if filter.actor is not None:
        where["actor"] = filter.actor
    if filter.event_types is not None:
        unknown = sorted(set(filter.event_types) - EVENT_TYPES.keys())
        if unknown:
            raise OkraError(
                f"eventTypes: unknown event type {', '.join(unknown)}; known: "
                f"{', '.join(sorted(EVENT_TYPES))}",
                "BAD_USER_INPUT",
                "eventTypes",
            )
        where["event_type"] = list(filter.event_types)
    if filter.cycle_id is not None:
        where["cycle_id"] = str(filter.cycle_id)
    low = utc(filter.from_, "from") if filter.from_ is not None else None
    high = utc(filter.to, "to") if filter.to is not None else None
    if low is not None and high is not None and high <= low:
        raise OkraError("to: must be after from", "BAD_USER_INPUT", "to")
    if low is not None or high is not None:
        where["recorded_at"] = Between(
            moment(low) if low is not None else None, moment(high) if high is not None else None
        )
    return where


async def audit_trail(
    info: Info, filter: AuditTrailFilter | None, page: Page, order: HistoryOrder
) -> Connection[AuditEntry]:
    descending = order is HistoryOrder.NEWEST_FIRST
    return await paginate(info, HISTORY, where_of(filter), AuditEntry.from_doc, page, descending)


@strawberry.type
class AuditTrailQuery:
    @strawberry.field(
        description="Every recorded change, as a cursor connection over the log: who did "
        "what to which entity, when, from what to what and why. Newest first unless "
        "order is OLDEST_FIRST; cursors are log positions, stable while events arrive."
    )
    async def audit_trail(
        self,
        info: Info,
        filter: Annotated[
            AuditTrailFilter | None,
            strawberry.argument(description="Which changes to list; left out, every change."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order: Annotated[
            HistoryOrder,
            strawberry.argument(description="Newest first (the default) or oldest first."),
        ] = HistoryOrder.NEWEST_FIRST,
    ) -> Connection[AuditEntry]:
        page = Page.of(first, after, last, before)
        return await audit_trail(info, filter, page, order)
