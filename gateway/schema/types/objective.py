"""The Objective type, and ObjectiveAsOf: an objective as recorded at a past moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.model.scoring import EXPECTED_GRADE, band
from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import ObjectiveKind, ObjectiveStatus, ScoreBand
from gateway.schema.types.as_of import AsOfFields
from gateway.schema.types.audited import Audited, stamps
from gateway.schema.types.bet import Bet
from gateway.schema.types.key_result import KeyResult, KeyResultAsOf
from gateway.schema.types.lazy import LazyCycle, LazyTeam
from gateway.schema.types.node import Node
from gateway.schema.types.owned import Owned, owners
from projections.documents import Doc
from projections.views import OBJECTIVES


@strawberry.type
class ObjectiveFields(Audited):
    """What an objective shows, now or as of a moment. Relations other than the key
    results answer the present (ask for them with asOf at the top level)."""

    title: str = strawberry.field(description="What the team wants to achieve.")
    description: str = strawberry.field(description="Why it matters; empty if not given.")
    kind: ObjectiveKind = strawberry.field(
        description="Committed or aspirational: what grade is expected."
    )
    status: ObjectiveStatus = strawberry.field(
        description="Active, archived, or closed with its cycle."
    )
    score: float | None = strawberry.field(
        description="Weighted mean of the key results' scores; null without key results."
    )
    score_band: ScoreBand | None = strawberry.field(
        description="The grading band of the score; null without key results."
    )
    grade: float | None = strawberry.field(description="The score frozen when the cycle closed.")
    expected_grade: float = strawberry.field(
        description="1.0 for committed objectives, 0.7 for aspirational ones."
    )
    cycle_id: strawberry.ID = strawberry.field(description="The cycle it belongs to.")
    team_id: strawberry.ID = strawberry.field(description="The team that owns it.")
    parent_key_result_id: strawberry.ID | None = strawberry.field(
        description="The key result of the level above it cascades from; null if none."
    )
    values: list[str] = strawberry.field(description="Values of the strategy map it serves.")
    constituents: list[str] = strawberry.field(
        description="Constituents of the strategy map it serves."
    )
    original_grade: float | None = strawberry.field(
        description="The grade frozen when the cycle closed, whatever regrades followed."
    )
    carry_over_count: int = strawberry.field(
        description="How many cycles in a row this objective has been carried over "
        "(0: it started in this cycle)."
    )
    key_result_ids: strawberry.Private[list[str]]
    aligned_with_ids: strawberry.Private[list[str]]
    carried_over_from_id: strawberry.Private[str | None]
    carried_over_to_id: strawberry.Private[str | None]

    @staticmethod
    def fields_of(doc: Doc) -> dict[str, Any]:
        return dict(
            title=doc["title"],
            description=doc["description"],
            kind=ObjectiveKind(doc["kind"]),
            status=ObjectiveStatus(doc["status"]),
            score=doc["score"],
            score_band=band(doc["score"]),
            grade=doc["grade"],
            expected_grade=EXPECTED_GRADE[doc["kind"]],
            key_result_ids=[kr["id"] for kr in doc["key_results"]],
            cycle_id=strawberry.ID(doc["cycle_id"]),
            team_id=strawberry.ID(doc["team_id"]),
            parent_key_result_id=doc["parent_key_result_id"],
            values=doc.get("values", []),
            constituents=doc.get("constituents", []),
            aligned_with_ids=doc["aligned_with"],
            original_grade=doc["grade"]
            if doc.get("original_grade") is None
            else doc["original_grade"],
            carry_over_count=doc.get("carry_over_count", 0),
            carried_over_from_id=doc.get("carried_over_from"),
            carried_over_to_id=doc.get("carried_over_to"),
            **stamps(doc),
        )

    @strawberry.field(description="The objective of an earlier cycle this one continues.")
    async def carried_over_from(self, info: Info) -> Objective | None:
        return await loading.objective(info, self.carried_over_from_id)

    @strawberry.field(description="The objective of a later cycle that continues this one.")
    async def carried_over_to(self, info: Info) -> Objective | None:
        return await loading.objective(info, self.carried_over_to_id)

    @strawberry.field(description="The cycle it belongs to.")
    async def cycle(self, info: Info) -> LazyCycle:
        cycle = await loading.cycle(info, self.cycle_id)
        assert cycle is not None
        return cycle

    @strawberry.field(description="The team that owns this objective.")
    async def team(self, info: Info) -> LazyTeam:
        team = await loading.team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The key result of the level above this objective cascades from.")
    async def parent_key_result(self, info: Info) -> KeyResult | None:
        return await loading.key_result(info, self.parent_key_result_id)

    @strawberry.field(description="Objectives this one aligns with across teams.")
    async def aligned_with(self, info: Info) -> list[Objective]:
        docs = await info.context.loaders.objective.load_many(self.aligned_with_ids)
        return [Objective.from_doc(d) for d in docs if d is not None]

    @strawberry.field(description="Objectives that cascade from this one's key results.")
    async def children(self, info: Info) -> list[Objective]:
        groups = await info.context.loaders.objectives_by_parent_key_result.load_many(
            self.key_result_ids
        )
        return [Objective.from_doc(d) for docs in groups for d in docs]

    @strawberry.field(description="The bets placed on this objective's key results.")
    async def bets(self, info: Info) -> list[Bet]:
        groups = await info.context.loaders.bets_by_key_result.load_many(
            self.key_result_ids
        )
        return [Bet.from_doc(d) for docs in groups for d in docs]


KEY_RESULTS_DOC = "Its key results, in the order they were added."


@strawberry.type(description="A qualitative goal of a team for a cycle.")
class Objective(Node, Owned, ObjectiveFields, stored_in=OBJECTIVES):
    id: strawberry.ID = strawberry.field(description="The objective's opaque id.")
    key_results: list[KeyResult] = strawberry.field(description=KEY_RESULTS_DOC)

    @classmethod
    def from_doc(cls, doc: Doc) -> Objective:
        return cls(
            id=strawberry.ID(doc["id"]),
            key_results=[KeyResult.from_doc(kr) for kr in doc["key_results"]],
            **cls.fields_of(doc),
            **owners(doc),
        )


@strawberry.type(
    description="An objective as it was recorded at a past moment (objectiveAsOf, "
    "objectivesAsOf, alignmentAsOf): title, key results, targets and scores as then "
    "known. Its other relations (team, cycle, children, bets) answer the present."
)
class ObjectiveAsOf(AsOfFields, Node, ObjectiveFields):
    derived = True
    key_results: list[KeyResultAsOf] = strawberry.field(
        description=KEY_RESULTS_DOC + " As of seenAt."
    )

    @classmethod
    def from_doc(cls, doc: Doc, at: datetime) -> ObjectiveAsOf:
        return cls(
            **cls.identity(doc["id"], at),
            key_results=[KeyResultAsOf.from_doc(kr, at) for kr in doc["key_results"]],
            **cls.fields_of(doc),
        )

    @classmethod
    async def find(cls, info: Info, key: str) -> ObjectiveAsOf | None:
        return await cls.rebuilt(key, lambda o, at: loading.objective_doc_at(info, o, at))
