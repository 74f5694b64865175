"""The GraphQL object types, each built from one view document.

Scalar fields are copied from the document when the object is made (cheap to
serve); relations are resolvers that go through the request's DataLoaders.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from domain.objective import objective_of
from domain.scoring import EXPECTED_GRADE, band
from gateway.schema.audit_trail import GradeCorrection, grade_corrections
from gateway.schema.choices import choice
from gateway.schema.connection import After, Connection, First, page_of
from gateway.schema.context import Info
from projections.documents import Doc


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _stamps(doc: Doc) -> dict[str, Any]:
    return {
        "version": doc["version"],
        "created_at": _dt(doc["created_at"]),
        "created_by": doc["created_by"],
        "updated_at": _dt(doc.get("updated_at")),
        "updated_by": doc.get("updated_by"),
    }


@strawberry.enum(description="The length of a cycle.")
class CycleKind(Enum):
    ANNUAL = choice("ANNUAL", description="A year; quarters sit inside one.")
    QUARTERLY = choice("QUARTERLY", description="A quarter inside an annual cycle.")


@strawberry.enum(description="OPEN cycles take changes; CLOSED ones are graded and read-only.")
class CycleStatus(Enum):
    OPEN = choice("OPEN", description="Takes new objectives, edits and check-ins.")
    CLOSED = choice("CLOSED", description="Graded and read-only; bets can still be resolved.")


@strawberry.enum(
    description="COMMITTED objectives are expected to reach 1.0; ASPIRATIONAL ones do well at 0.7."
)
class ObjectiveKind(Enum):
    COMMITTED = choice("COMMITTED", description="Expected to reach 1.0.")
    ASPIRATIONAL = choice("ASPIRATIONAL", description="A stretch goal: 0.7 is doing well.")


@strawberry.enum(description="ACTIVE or ARCHIVED by its team; CLOSED with its cycle.")
class ObjectiveStatus(Enum):
    ACTIVE = choice("ACTIVE", description="Being worked on.")
    ARCHIVED = choice(
        "ARCHIVED",
        description="Set aside by its team; the audit and the strategy map leave it out.",
    )
    CLOSED = choice("CLOSED", description="Its cycle closed: graded and read-only.")


@strawberry.enum(description="How a key result is measured.")
class Measure(Enum):
    METRIC = choice("METRIC", description="A value moving from startValue to targetValue.")
    MILESTONES = choice("MILESTONES", description="A list of milestones, done in order.")


@strawberry.enum(description="Google's grading bands: RED 0.0–0.3, YELLOW 0.4–0.6, GREEN 0.7–1.0.")
class ScoreBand(Enum):
    RED = choice("RED", description="Below 0.4: little real progress.")
    YELLOW = choice("YELLOW", description="From 0.4 to below 0.7: progress, short of the target.")
    GREEN = choice("GREEN", description="0.7 and above: delivered.")


@strawberry.enum(description="Where a bet stands.")
class BetStatus(Enum):
    PLACED = choice("PLACED", description="Open: its stake counts against the team's budget.")
    VALIDATED = choice("VALIDATED", description="It worked: the hypothesis held.")
    INVALIDATED = choice("INVALIDATED", description="It did not work: the hypothesis failed.")
    WITHDRAWN = choice(
        "WITHDRAWN", description="Called off before it played out; its stake no longer counts."
    )


@strawberry.enum(description="How a placed bet ended.")
class BetOutcome(Enum):
    VALIDATED = choice("VALIDATED", description="The hypothesis held.")
    INVALIDATED = choice("INVALIDATED", description="The hypothesis failed.")
    WITHDRAWN = choice(
        "WITHDRAWN", description="Called off; its stake no longer counts against the budget."
    )


@strawberry.interface(description="Who made an entity and who changed it last.")
class Audited:
    version: int = strawberry.field(
        description="Increases with every change; send it back as expectedVersion."
    )
    created_at: datetime = strawberry.field(description="When the entity was created (UTC).")
    created_by: str = strawberry.field(description="Who created it: the actor of its first event.")
    updated_at: datetime | None = strawberry.field(
        description="When it last changed; null if never."
    )
    updated_by: str | None = strawberry.field(description="Who changed it last; null if never.")


@strawberry.type(description="A team: the organisation, a department or a team within one.")
class Team(Audited):
    id: strawberry.ID = strawberry.field(description="The team's opaque id.")
    name: str = strawberry.field(description="The team's name.")
    stake_unit: str = strawberry.field(description="What bets stake, e.g. person-days.")
    check_in_cadence_days: int | None = strawberry.field(
        description="Days the team lets pass between check-ins; null: the default."
    )
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, doc: Doc) -> Team:
        return cls(
            id=strawberry.ID(doc["id"]),
            name=doc["name"],
            stake_unit=doc["stake_unit"],
            check_in_cadence_days=doc.get("check_in_cadence_days"),
            parent_id=doc["parent_id"],
            **_stamps(doc),
        )

    @strawberry.field(description="The team this one belongs to.")
    async def parent(self, info: Info) -> Team | None:
        return await load_team(info, self.parent_id)

    @strawberry.field(description="The teams directly below this one.")
    async def children(self, info: Info) -> list[Team]:
        docs = await info.context.loaders.teams_by_parent.load(str(self.id))
        return [Team.from_doc(d) for d in docs]

    @strawberry.field(
        description="This team's objectives, optionally in one cycle, in creation order."
    )
    async def objectives(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives of this cycle."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Objective]:
        loaders = info.context.loaders
        if cycle_id is None:
            docs = await loaders.objectives_by_team.load(str(self.id))
        else:
            docs = await loaders.objectives_by_team_and_cycle.load((str(self.id), str(cycle_id)))
        return page_of(docs, Objective.from_doc, first, after)


@strawberry.type(description="An annual or quarterly period that objectives belong to.")
class Cycle(Audited):
    id: strawberry.ID = strawberry.field(description="The cycle's opaque id.")
    name: str = strawberry.field(description='The cycle\'s unique name, e.g. "2026" or "2026-Q4".')
    kind: CycleKind = strawberry.field(description="Annual or quarterly.")
    status: CycleStatus = strawberry.field(description="Open, or closed and graded.")
    starts_on: date = strawberry.field(description="The cycle's first day.")
    ends_on: date = strawberry.field(description="The cycle's last day (inclusive).")
    closed_at: datetime | None = strawberry.field(
        description="When it was closed; null while open."
    )
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, doc: Doc) -> Cycle:
        return cls(
            id=strawberry.ID(doc["id"]),
            name=doc["name"],
            kind=CycleKind(doc["kind"]),
            status=CycleStatus(doc["status"]),
            starts_on=date.fromisoformat(doc["starts_on"]),
            ends_on=date.fromisoformat(doc["ends_on"]),
            closed_at=_dt(doc["closed_at"]),
            parent_id=doc["parent_id"],
            **_stamps(doc),
        )

    @strawberry.field(description="The annual cycle a quarter belongs to.")
    async def parent(self, info: Info) -> Cycle | None:
        return await load_cycle(info, self.parent_id)

    @strawberry.field(description="The quarters of an annual cycle.")
    async def children(self, info: Info) -> list[Cycle]:
        docs = await info.context.loaders.cycles_by_parent.load(str(self.id))
        return [Cycle.from_doc(d) for d in docs]

    @strawberry.field(
        description="The objectives of this cycle, optionally of one team, in creation order."
    )
    async def objectives(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives of this team."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Objective]:
        loaders = info.context.loaders
        if team_id is None:
            docs = await loaders.objectives_by_cycle.load(str(self.id))
        else:
            docs = await loaders.objectives_by_team_and_cycle.load((str(team_id), str(self.id)))
        return page_of(docs, Objective.from_doc, first, after)


@strawberry.type(description="One milestone of a milestone-based key result.")
class Milestone:
    title: str = strawberry.field(description="What the milestone is.")
    done: bool = strawberry.field(description="Whether it is done (milestones are done in order).")


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


def _check_in_order(doc: Doc) -> tuple[str, int]:
    return (doc["as_of"], doc["pos"])


@strawberry.type(description="A measurable result that shows progress on an objective.")
class KeyResult(Audited):
    id: strawberry.ID = strawberry.field(description="The key result's opaque id.")
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
    # With time travel (asOf), the moment this key result is seen at.
    seen_at: strawberry.Private[datetime | None] = None

    @classmethod
    def from_doc(cls, doc: Doc, seen_at: datetime | None = None) -> KeyResult:
        is_milestones = doc["measure"] == "MILESTONES"
        done = int(doc["current"] or 0) if is_milestones else None
        return cls(
            id=strawberry.ID(doc["id"]),
            objective_id=strawberry.ID(doc["objective_id"]),
            title=doc["title"],
            weight=doc["weight"],
            measure=Measure(doc["measure"]),
            start_value=doc["start_value"],
            target_value=doc["target_value"],
            unit=doc["unit"],
            current_value=None if is_milestones else doc["current"],
            milestones=[
                Milestone(title=title, done=i < (done or 0))
                for i, title in enumerate(doc["milestones"])
            ],
            milestones_done=done,
            confidence=doc["confidence"],
            as_of=_d(doc["as_of"]),
            score=doc["score"],
            score_band=ScoreBand(band(doc["score"])),
            final_grade=doc["final_grade"],
            original_grade=(
                doc["final_grade"] if doc.get("original_grade") is None else doc["original_grade"]
            ),
            version=doc["version"],
            created_at=datetime.fromisoformat(doc["created_at"]),
            created_by=doc["created_by"],
            updated_at=_dt(doc["updated_at"]),
            updated_by=doc["updated_by"],
            seen_at=seen_at,
        )

    @strawberry.field(description="The objective this key result measures.")
    async def objective(self, info: Info) -> Objective:
        objective = await load_objective(info, self.objective_id)
        assert objective is not None
        return objective

    @strawberry.field(
        description="Check-ins, latest asOf first (on the same asOf, the one recorded last "
        "first). A backdated check-in takes its place by asOf, so cursors stay valid."
    )
    async def check_ins(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[CheckIn]:
        docs = await info.context.loaders.check_ins_by_key_result.load(str(self.id))
        if self.seen_at is not None:  # as then known: recorded by that moment
            docs = [d for d in docs if datetime.fromisoformat(d["recorded_at"]) <= self.seen_at]
        ordered = sorted(docs, key=_check_in_order, reverse=True)
        return page_of(ordered, CheckIn.from_doc, first, after, _check_in_order, descending=True)

    @strawberry.field(description="Corrections of the grade after its cycle closed, oldest first.")
    async def grade_corrections(self, info: Info) -> list[GradeCorrection]:
        return await grade_corrections(info, str(self.id), self.seen_at)

    @strawberry.field(description="The bets placed on this key result.")
    async def bets(self, info: Info) -> list[Bet]:
        docs = await info.context.loaders.bets_by_key_result.load(str(self.id))
        return [Bet.from_doc(d) for d in docs]

    @strawberry.field(
        description="Objectives of the level below that cascade from this key result."
    )
    async def cascaded_objectives(self, info: Info) -> list[Objective]:
        docs = await info.context.loaders.objectives_by_parent_key_result.load(str(self.id))
        return [Objective.from_doc(d) for d in docs]


@strawberry.type(description="A qualitative goal of a team for a cycle.")
class Objective(Audited):
    id: strawberry.ID = strawberry.field(description="The objective's opaque id.")
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
    key_results: list[KeyResult] = strawberry.field(
        description="Its key results, in the order they were added."
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
    aligned_with_ids: strawberry.Private[list[str]]
    carried_over_from_id: strawberry.Private[str | None]
    carried_over_to_id: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, doc: Doc, seen_at: datetime | None = None) -> Objective:
        return cls(
            id=strawberry.ID(doc["id"]),
            title=doc["title"],
            description=doc["description"],
            kind=ObjectiveKind(doc["kind"]),
            status=ObjectiveStatus(doc["status"]),
            score=doc["score"],
            score_band=ScoreBand(band(doc["score"])) if doc["score"] is not None else None,
            grade=doc["grade"],
            expected_grade=EXPECTED_GRADE[doc["kind"]],
            key_results=[KeyResult.from_doc(kr, seen_at) for kr in doc["key_results"]],
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
            **_stamps(doc),
        )

    @strawberry.field(description="The objective of an earlier cycle this one continues.")
    async def carried_over_from(self, info: Info) -> Objective | None:
        return await load_objective(info, self.carried_over_from_id)

    @strawberry.field(description="The objective of a later cycle that continues this one.")
    async def carried_over_to(self, info: Info) -> Objective | None:
        return await load_objective(info, self.carried_over_to_id)

    @strawberry.field(description="The cycle it belongs to.")
    async def cycle(self, info: Info) -> Cycle:
        cycle = await load_cycle(info, self.cycle_id)
        assert cycle is not None
        return cycle

    @strawberry.field(description="The team that owns this objective.")
    async def team(self, info: Info) -> Team:
        team = await load_team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The key result of the level above this objective cascades from.")
    async def parent_key_result(self, info: Info) -> KeyResult | None:
        return await load_key_result(info, self.parent_key_result_id)

    @strawberry.field(description="Objectives this one aligns with across teams.")
    async def aligned_with(self, info: Info) -> list[Objective]:
        docs = await info.context.loaders.objective.load_many(self.aligned_with_ids)
        return [Objective.from_doc(d) for d in docs if d is not None]

    @strawberry.field(description="Objectives that cascade from this one's key results.")
    async def children(self, info: Info) -> list[Objective]:
        groups = await info.context.loaders.objectives_by_parent_key_result.load_many(
            [str(kr.id) for kr in self.key_results]
        )
        return [Objective.from_doc(d) for docs in groups for d in docs]

    @strawberry.field(description="The bets placed on this objective's key results.")
    async def bets(self, info: Info) -> list[Bet]:
        groups = await info.context.loaders.bets_by_key_result.load_many(
            [str(kr.id) for kr in self.key_results]
        )
        return [Bet.from_doc(d) for docs in groups for d in docs]


@strawberry.type(description="An action treated as a bet on a key result, never a commitment.")
class Bet(Audited):
    id: strawberry.ID = strawberry.field(description="The bet's opaque id.")
    title: str = strawberry.field(description="What the team will do.")
    hypothesis: str = strawberry.field(
        description="Why the team expects it to move the key result; empty if not given."
    )
    stake: float = strawberry.field(description="What the team invests and can afford to lose.")
    odds: float = strawberry.field(description="Probability of success, in (0, 1].")
    expected_impact: float = strawberry.field(
        description="Change in the key result's value if the bet succeeds."
    )
    expected_value: float = strawberry.field(description="odds × expectedImpact.")
    status: BetStatus = strawberry.field(description="Placed, or how it ended.")
    actual_impact: float | None = strawberry.field(
        description="The change in the key result's value it made, once resolved; null before."
    )
    learning: str = strawberry.field(
        description="What the team learned from it; empty until resolved."
    )
    resolved_at: datetime | None = strawberry.field(
        description="When it was resolved; null while placed."
    )
    key_result_id: strawberry.ID = strawberry.field(description="The key result it bets on.")
    objective_id: strawberry.ID = strawberry.field(description="The objective of that key result.")
    team_id: strawberry.ID = strawberry.field(description="The team that placed it.")
    cycle_id: strawberry.ID = strawberry.field(description="The cycle it was placed in.")

    @classmethod
    def from_doc(cls, doc: Doc) -> Bet:
        return cls(
            id=strawberry.ID(doc["id"]),
            title=doc["title"],
            hypothesis=doc["hypothesis"],
            stake=doc["stake"],
            odds=doc["odds"],
            expected_impact=doc["expected_impact"],
            expected_value=doc["expected_value"],
            status=BetStatus(doc["status"]),
            actual_impact=doc["actual_impact"],
            learning=doc["learning"],
            resolved_at=_dt(doc["resolved_at"]),
            key_result_id=strawberry.ID(doc["key_result_id"]),
            objective_id=strawberry.ID(doc["objective_id"]),
            team_id=strawberry.ID(doc["team_id"]),
            cycle_id=strawberry.ID(doc["cycle_id"]),
            **_stamps(doc),
        )

    @strawberry.field(description="The key result it bets on.")
    async def key_result(self, info: Info) -> KeyResult:
        key_result = await load_key_result(info, self.key_result_id)
        assert key_result is not None
        return key_result

    @strawberry.field(description="The team that placed it.")
    async def team(self, info: Info) -> Team:
        team = await load_team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The cycle it was placed in.")
    async def cycle(self, info: Info) -> Cycle:
        cycle = await load_cycle(info, self.cycle_id)
        assert cycle is not None
        return cycle

    @strawberry.field(description="The stake unit of the team, e.g. person-days.")
    async def stake_unit(self, info: Info) -> str:
        team = await load_team(info, self.team_id)
        return team.stake_unit if team else ""


@strawberry.type(description="A team's bets in a cycle and the stake budget they must fit.")
class Portfolio:
    team_id: strawberry.ID = strawberry.field(description="The team whose bets these are.")
    cycle_id: strawberry.ID = strawberry.field(description="The cycle of those bets.")
    budget: float | None = strawberry.field(description="Null when the team set no budget.")
    staked: float = strawberry.field(description="Stakes of the bets not withdrawn.")
    available: float | None = strawberry.field(description="budget − staked.")
    version: int = strawberry.field(
        description="Increases when the portfolio changes; 0 before its first bet or budget."
    )
    bet_docs: strawberry.Private[list[Doc]]

    @strawberry.field(description="The team whose bets these are.")
    async def team(self, info: Info) -> Team:
        team = await load_team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The cycle of those bets.")
    async def cycle(self, info: Info) -> Cycle:
        cycle = await load_cycle(info, self.cycle_id)
        assert cycle is not None
        return cycle

    @strawberry.field(description="The bets of the team in the cycle, in placing order.")
    def bets(self) -> list[Bet]:
        return [Bet.from_doc(d) for d in self.bet_docs]

    @strawberry.field(description="Sum of the expected value of the bets still placed.")
    def expected_value(self) -> float:
        return sum(float(d["expected_value"]) for d in self.bet_docs if d["status"] == "PLACED")

    @strawberry.field(description="Sum of the actual impact of the resolved bets.")
    def realised_impact(self) -> float:
        return sum(d["actual_impact"] or 0.0 for d in self.bet_docs)

    @strawberry.field(description="The team's stake unit, e.g. person-days.")
    async def stake_unit(self, info: Info) -> str:
        team = await load_team(info, self.team_id)
        return team.stake_unit if team else ""


@strawberry.type(description="An objective in the alignment tree, with the ones cascading from it.")
class AlignmentNode:
    objective: Objective = strawberry.field(description="The objective at this place in the tree.")
    depth: int = strawberry.field(description="0 for a root of the tree.")
    in_cycle: bool = strawberry.field(
        description="False for an ancestor or descendant from another cycle."
    )
    parent_key_result_id: strawberry.ID | None = strawberry.field(
        description="The key result it cascades from; null if none."
    )
    children: list[AlignmentNode] = strawberry.field(
        description="The objectives that cascade from its key results."
    )


@strawberry.type(description="A cycle's objectives as a tree through their parent key results.")
class Alignment:
    roots: list[AlignmentNode] = strawberry.field(
        description="The objectives with no parent in the tree, each with its descendants."
    )
    nodes: list[AlignmentNode] = strawberry.field(
        description="Every node, depth-first, for clients that prefer a flat list."
    )


# -- loading helpers shared by types and queries -------------------------------------


async def load_team(info: Info, team_id: str | None) -> Team | None:
    doc = await info.context.loaders.team.load(str(team_id)) if team_id else None
    return Team.from_doc(doc) if doc else None


async def load_cycle(info: Info, cycle_id: str | None) -> Cycle | None:
    doc = await info.context.loaders.cycle.load(str(cycle_id)) if cycle_id else None
    return Cycle.from_doc(doc) if doc else None


async def load_objective(info: Info, objective_id: str | None) -> Objective | None:
    doc = await info.context.loaders.objective.load(str(objective_id)) if objective_id else None
    return Objective.from_doc(doc) if doc else None


async def load_key_result(info: Info, key_result_id: str | None) -> KeyResult | None:
    if not key_result_id:
        return None
    objective_id = objective_of(str(key_result_id))
    if objective_id is None:
        return None
    doc = await info.context.loaders.objective.load(str(objective_id))
    for kr in doc["key_results"] if doc else []:
        if kr["id"] == key_result_id:
            return KeyResult.from_doc(kr)
    return None


async def load_bet(info: Info, bet_id: str | None) -> Bet | None:
    doc = await info.context.loaders.bet.load(str(bet_id)) if bet_id else None
    return Bet.from_doc(doc) if doc else None
