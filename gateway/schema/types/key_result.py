"""The KeyResult type, with its milestones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from domain.model.check_ins import done_indices
from domain.model.data_source import SourceStatus, source_id_for
from domain.model.scoring import band
from gateway.schema import loading
from gateway.schema.audit_trail import GradeCorrection, grade_corrections
from gateway.schema.connection import After, Before, Connection, First, Last, Page, page_of
from gateway.schema.context import Info
from gateway.schema.enums import ActionStatus, Measure, ScoreBand
from gateway.schema.types.as_of import AsOfFields
from gateway.schema.types.audited import Audited, day, moment
from gateway.schema.types.bet import Bet
from gateway.schema.types.check_in import CheckIn, CheckInAsOf, counting_at, done_since, order
from gateway.schema.types.data_source import DataSource, data_source
from gateway.schema.types.lazy import LazyAction, LazyObjective
from gateway.schema.types.node import Node
from gateway.schema.types.owned import Owned, owners
from projections.documents import Doc


@strawberry.type(description="One milestone of a milestone-based key result.")
class Milestone:
    index: int = strawberry.field(
        description="Its place in the list, from 0 (what a check-in's doneMilestones names)."
    )
    title: str = strawberry.field(description="What the milestone is.")
    done: bool = strawberry.field(
        description="Whether it is done: named in the current check-in's doneMilestones, or "
        "among the first milestonesDone of one that gave a count."
    )
    key_result_id: strawberry.Private[str]
    at: strawberry.Private[datetime | None] = None

    @strawberry.field(
        description="The asOf of the check-in from which it has been done (through every "
        "later check-in that counts); null while it is not done."
    )
    async def done_on(self, info: Info) -> date | None:
        if not self.done:
            return None
        docs = await info.context.loaders.check_ins_by_key_result.load(self.key_result_id)
        return done_since(counting_at(docs, self.at), self.index)


@strawberry.type
class KeyResultFields(Audited):
    """What a key result shows, now or as of a moment."""

    objective_id: strawberry.ID = strawberry.field(description="The objective it measures.")
    title: str = strawberry.field(description="What is measured.")
    weight: float = strawberry.field(description="Share in the objective's score.")
    measure: Measure = strawberry.field(description="A metric or milestones.")
    start_value: float | None = strawberry.field(
        description="Where the metric started; null for milestones."
    )
    target_value: float | None = strawberry.field(
        description="Where the metric should get to (it may lie below the start)."
    )
    unit: str = strawberry.field(description="The metric's unit, e.g. %; empty if none.")
    current_value: float | None = strawberry.field(
        description="The value of the check-in with the latest asOf."
    )
    milestones: list[Milestone] = strawberry.field(
        description="The milestones in order, each done or not; empty for metrics."
    )
    milestones_done: int | None = strawberry.field(
        description="How many milestones are done; null for metrics."
    )
    confidence: float | None = strawberry.field(
        description="The latest confidence the team gave, 0–1; null if never."
    )
    as_of: date | None = strawberry.field(description="The asOf of the current value.")
    score: float = strawberry.field(description="Progress on the 0.0–1.0 scale.")
    score_band: ScoreBand = strawberry.field(description="The grading band of the score.")
    final_grade: float | None = strawberry.field(
        description="The grade of the closed cycle: the score frozen at close, or its "
        "latest correction (regradeKeyResult)."
    )
    original_grade: float | None = strawberry.field(
        description="The score frozen when the cycle closed, whatever regrades followed."
    )
    own_id: strawberry.Private[str]
    # The moment of a time-travel answer; None for the present.
    at: strawberry.Private[datetime | None] = None

    @staticmethod
    def fields_of(doc: Doc, at: datetime | None = None) -> dict[str, Any]:
        """The fields of a key result's row (``at``: the moment of a time-travel answer)."""
        is_milestones = doc["measure"] == Measure.MILESTONES
        done = int(doc["current"] or 0) if is_milestones else None
        # Only milestones: a metric's current value is no count (it may be 1e308).
        indices = done_indices(doc.get("done_milestones"), done) if is_milestones else set()
        return dict(
            own_id=doc["id"],
            objective_id=strawberry.ID(doc["objective_id"]),
            title=doc["title"],
            weight=doc["weight"],
            measure=Measure(doc["measure"]),
            start_value=doc["start_value"],
            target_value=doc["target_value"],
            unit=doc["unit"],
            current_value=None if is_milestones else doc["current"],
            milestones=[
                Milestone(index=i, title=title, done=i in indices, key_result_id=doc["id"], at=at)
                for i, title in enumerate(doc["milestones"])
            ],
            milestones_done=done,
            confidence=doc["confidence"],
            as_of=day(doc["as_of"]),
            score=doc["score"],
            score_band=band(doc["score"]),
            final_grade=doc["final_grade"],
            original_grade=(
                doc["final_grade"] if doc.get("original_grade") is None else doc["original_grade"]
            ),
            version=doc["version"],
            created_at=datetime.fromisoformat(doc["created_at"]),
            created_by=doc["created_by"],
            updated_at=moment(doc["updated_at"]),
            updated_by=doc["updated_by"],
        )

    @strawberry.field(description="The objective this key result measures.")
    async def objective(self, info: Info) -> LazyObjective:
        objective = await loading.objective(info, self.objective_id)
        assert objective is not None
        return objective

    @strawberry.field(description="Corrections of the grade after its cycle closed, oldest first.")
    async def grade_corrections(self, info: Info) -> list[GradeCorrection]:
        return await grade_corrections(info, self.own_id, self.at)

    @strawberry.field(description="The bets placed on this key result.")
    async def bets(self, info: Info) -> list[Bet]:
        docs = await info.context.loaders.bets_by_key_result.load(self.own_id)
        return [Bet.from_doc(d) for d in docs]

    @strawberry.field(
        description="The actions on this key result (ideas and the bets placed on them), in "
        "the team's order: ranked first, then as they came."
    )
    async def actions(
        self,
        info: Info,
        status: Annotated[
            ActionStatus | None, strawberry.argument(description="Only actions with this status.")
        ] = None,
    ) -> list[LazyAction]:
        return await loading.actions_of(info, self.own_id, status.value if status else None)

    @strawberry.field(
        description="Objectives of the level below that cascade from this key result."
    )
    async def cascaded_objectives(self, info: Info) -> list[LazyObjective]:
        docs = await info.context.loaders.objectives_by_parent_key_result.load(self.own_id)
        return [loading.as_objective(d) for d in docs]


CHECK_INS_DOC = (
    "Check-ins, latest asOf first (on the same asOf, the one recorded last first). A "
    "backdated check-in takes its place by asOf, so cursors stay valid."
)


async def check_ins_of(info: Info, key_result: KeyResultFields) -> list[Doc]:
    """The key result's check-ins in the connection's order: latest asOf first; with
    time travel, those recorded by the moment (as then known)."""
    docs = await info.context.loaders.check_ins_by_key_result.load(key_result.own_id)
    if key_result.at is not None:
        docs = [d for d in docs if datetime.fromisoformat(d["recorded_at"]) <= key_result.at]
    return sorted(docs, key=order, reverse=True)


@strawberry.type(description="A measurable result that shows progress on an objective.")
class KeyResult(Node, Owned, KeyResultFields):
    id: strawberry.ID = strawberry.field(description="The key result's opaque id.")

    @classmethod
    def from_doc(cls, doc: Doc) -> KeyResult:
        return cls(id=strawberry.ID(doc["id"]), **cls.fields_of(doc), **owners(doc))

    @classmethod
    async def find(cls, info: Info, key: str) -> KeyResult | None:
        return await loading.key_result(info, key)

    @strawberry.field(
        description="Where its number comes from, when a data source is connected; null "
        "when it is checked in by hand."
    )
    async def data_source(self, info: Info) -> DataSource | None:
        found = await data_source(info, str(source_id_for(self.own_id)))
        return found if found is not None and found.status == SourceStatus.CONNECTED else None

    @strawberry.field(description=CHECK_INS_DOC)
    async def check_ins(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CheckIn]:
        page = Page.of(first, after, last, before)
        docs = await check_ins_of(info, self)
        return page_of(docs, CheckIn.from_doc, page, order, descending=True)


@strawberry.type(
    description="A key result as it was recorded at a past moment (keyResultAsOf, and "
    "the key results of objectiveAsOf): targets, weights and scores as then known."
)
class KeyResultAsOf(AsOfFields, Node, KeyResultFields):
    derived = True

    @classmethod
    def from_doc(cls, doc: Doc, at: datetime) -> KeyResultAsOf:
        return cls(**cls.identity(doc["id"], at), at=at, **cls.fields_of(doc, at))

    @classmethod
    async def find(cls, info: Info, key: str) -> KeyResultAsOf | None:
        return await cls.rebuilt(key, lambda kr, at: loading.key_result_row_at(info, kr, at))

    @strawberry.field(description=CHECK_INS_DOC + " Only those recorded by seenAt.")
    async def check_ins(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CheckInAsOf]:
        page = Page.of(first, after, last, before)
        docs = await check_ins_of(info, self)
        at = self.seen_at
        return page_of(docs, lambda d: CheckInAsOf.from_doc(d, at), page, order, descending=True)
