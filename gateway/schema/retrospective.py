"""Retrospectives over GraphQL: the numbers of :mod:`projections.retrospective`, as
they are, for the organisation and each team."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry

from gateway.schema import loading
from gateway.schema.audit import FindingCount
from gateway.schema.context import Info
from gateway.schema.errors import OkraError, not_found
from gateway.schema.types import Cycle, Objective, Person, Team
from gateway.schema.types.impact import PROGRESS_DOC, ImpactAmount, amounts
from projections import audit, judged, tallies
from projections import retrospective as retro
from projections.documents import Doc
from projections.views import CYCLES, TALLIES


@strawberry.type(description="How many grades fell in each of Google's bands.")
class GradeBands:
    red: int = strawberry.field(description="Below 0.4 (0.35 is red).")
    yellow: int = strawberry.field(description="From 0.4 to below 0.7 (0.65 is yellow).")
    green: int = strawberry.field(description="From 0.7 (0.7 is green).")

    @classmethod
    def of(cls, bands: retro.Bands) -> GradeBands:
        return cls(red=bands.red, yellow=bands.yellow, green=bands.green)


@strawberry.type(description="An amount of stake in one stake unit.")
class StakeAmount:
    unit: str = strawberry.field(description="The stake unit, e.g. person-days.")
    amount: float = strawberry.field(description="How much of it.")


@strawberry.type(description="From ideas to bets to outcomes: how the actions of a cycle fared.")
class ActionFunnel:
    proposed: int = strawberry.field(
        description="Every action, whether proposed as an idea or made with its bet."
    )
    ideas: int = strawberry.field(description="Actions still ideas.")
    bets: int = strawberry.field(description="Actions turned into bets, whatever their outcome.")
    validated: int = strawberry.field(description="Actions whose bet worked.")
    invalidated: int = strawberry.field(description="Actions whose bet did not.")
    withdrawn: int = strawberry.field(description="Actions whose bet was called off.")
    dropped: int = strawberry.field(description="Ideas the team let go.")

    @classmethod
    def of(cls, funnel: retro.ActionFunnel) -> ActionFunnel:
        return cls(**vars(funnel))


@strawberry.type(description="The bets of a cycle, by outcome.")
class BetTally:
    placed: int = strawberry.field(description="Every bet placed in the cycle.")
    validated: int = strawberry.field(description="Bets that worked.")
    invalidated: int = strawberry.field(description="Bets that did not.")
    withdrawn: int = strawberry.field(description="Bets called off (their stake returned).")
    open: int = strawberry.field(description="Bets not resolved yet.")
    stake_spent: list[StakeAmount] = strawberry.field(
        description="The stakes of every bet not withdrawn, per stake unit."
    )
    realised_impact: float = strawberry.field(
        description="The actual impact of the resolved bets, summed whatever their key "
        "results' units.",
        deprecation_reason="Adds impacts of different units: use realisedImpactByUnit or "
        "realisedProgress.",
    )
    realised_impact_by_unit: list[ImpactAmount] = strawberry.field(
        description="The actual impact of the resolved bets, per unit of their key results."
    )
    realised_progress: float = strawberry.field(
        description="The actual impact of the resolved bets. " + PROGRESS_DOC
    )
    funnel: ActionFunnel = strawberry.field(
        description="The actions behind the bets: ideas proposed, turned into bets, "
        "validated, invalidated, dropped."
    )

    @classmethod
    def of(cls, bets: retro.BetSummary) -> BetTally:
        return cls(
            placed=bets.placed,
            validated=bets.validated,
            invalidated=bets.invalidated,
            withdrawn=bets.withdrawn,
            open=bets.open,
            stake_spent=[StakeAmount(unit=u, amount=a) for u, a in bets.stake_spent.items()],
            realised_impact=bets.realised_impact,
            funnel=ActionFunnel.of(bets.funnel),
            realised_impact_by_unit=amounts(bets.realised),
            realised_progress=bets.realised.progress,
        )


@strawberry.type(
    description="How well check-in confidences forecast the outcome: the Brier score of "
    "every confidence against 1 if the key result reached its expected grade (1.0 "
    "committed, 0.7 aspirational), else 0."
)
class Calibration:
    brier_score: float | None = strawberry.field(
        description="Mean squared error, 0 (perfect) to 1; 0.25 is what always saying 0.5 "
        "scores. Null for an open cycle or without confidences."
    )
    forecasts: int = strawberry.field(description="The check-in confidences scored.")
    key_results: int = strawberry.field(description="The key results they were about.")

    @classmethod
    def of(cls, calibration: retro.Calibration) -> Calibration:
        return cls(
            brier_score=calibration.brier_score,
            forecasts=calibration.forecasts,
            key_results=calibration.key_results,
        )


@strawberry.type(description="One owner's results in a cycle.")
class PersonScorecard:
    objective_count: int = strawberry.field(description="Objectives of the cycle they own.")
    key_result_count: int = strawberry.field(description="Key results of the cycle they own.")
    average_grade: float | None = strawberry.field(
        description="Mean grade of the objectives they own (scores so far in an open cycle)."
    )
    key_result_average_grade: float | None = strawberry.field(
        description="Mean grade of the key results they own."
    )
    calibration: Calibration = strawberry.field(
        description="How well the check-in confidences on the key results they own forecast "
        "them (the owner answers for a forecast, whoever typed it)."
    )
    person_id: strawberry.Private[str]

    @classmethod
    def of(cls, card: retro.PersonCard) -> PersonScorecard:
        return cls(
            person_id=card.person_id,
            objective_count=card.objectives,
            key_result_count=card.key_results,
            average_grade=card.average_grade,
            key_result_average_grade=card.key_result_average_grade,
            calibration=Calibration.of(card.calibration),
        )

    @strawberry.field(description="The owner.")
    async def person(self, info: Info) -> Person:
        person = await loading.person(info, self.person_id)
        assert person is not None
        return person


@strawberry.type(description="An objective of the cycle that continues one of an earlier cycle.")
class CarriedObjective:
    cycles: int = strawberry.field(description="How many cycles in a row it has been carried.")
    objective_id: strawberry.Private[str]
    from_id: strawberry.Private[str]

    @strawberry.field(description="The objective in this cycle.")
    async def objective(self, info: Info) -> Objective | None:
        return await loading.objective(info, self.objective_id)

    @strawberry.field(description="The objective it continues.")
    async def carried_over_from(self, info: Info) -> Objective | None:
        return await loading.objective(info, self.from_id)


@strawberry.type(description="One cycle's results, for the organisation or one team.")
class Scorecard:
    objective_count: int = strawberry.field(description="Objectives (archived ones left out).")
    key_result_count: int = strawberry.field(description="Their key results.")
    average_grade: float | None = strawberry.field(
        description="Mean grade of the objectives (in an open cycle, their scores so far)."
    )
    compared_average_grade: float | None = strawberry.field(
        description="The same in the cycle compared with."
    )
    average_grade_delta: float | None = strawberry.field(
        description="averageGrade − comparedAverageGrade."
    )
    objective_grades: GradeBands = strawberry.field(description="Objectives per band.")
    key_result_grades: GradeBands = strawberry.field(description="Key results per band.")
    committed_hit: int = strawberry.field(
        description="Key results of committed objectives graded 1.0."
    )
    committed_missed: int = strawberry.field(
        description="Key results of committed objectives graded below 1.0."
    )
    aspirational_average: float | None = strawberry.field(
        description="Mean grade of the aspirational objectives."
    )
    aspirational_vs_expected: float | None = strawberry.field(
        description="aspirationalAverage − 0.7, the grade aspirational OKRs aim for."
    )
    bets: BetTally = strawberry.field(description="The cycle's bets.")
    calibration: Calibration = strawberry.field(description="How good the confidences were.")
    carried_over: list[CarriedObjective] = strawberry.field(
        description="Objectives carried over into this cycle."
    )
    carried_forward: int = strawberry.field(
        description="Objectives of this cycle carried over into a later one."
    )
    findings: list[FindingCount] | None = strawberry.field(
        description="For a closed cycle: the alignment audit's findings per kind (every "
        "kind, zeros included); null for an open cycle."
    )
    team_id: strawberry.Private[str | None]
    # The team, loaded with every other scorecard's by the query (see ``_teams``): a
    # synchronous field keeps the ~950 scorecards out of asyncio (one awaitable each).
    loaded_team: strawberry.Private[Team | None] = None

    @classmethod
    def of(cls, card: retro.Scorecard, team: Team | None = None) -> Scorecard:
        return cls(
            team_id=card.team_id,
            loaded_team=team,
            objective_count=card.objectives,
            key_result_count=card.key_results,
            average_grade=card.average_grade,
            compared_average_grade=card.compared_average_grade,
            average_grade_delta=card.average_grade_delta,
            objective_grades=GradeBands.of(card.objective_bands),
            key_result_grades=GradeBands.of(card.key_result_bands),
            committed_hit=card.committed_hit,
            committed_missed=card.committed_missed,
            aspirational_average=card.aspirational_average,
            aspirational_vs_expected=card.aspirational_vs_expected,
            bets=BetTally.of(card.bets),
            calibration=Calibration.of(card.calibration),
            carried_over=[
                CarriedObjective(
                    cycles=c.cycles, objective_id=c.objective_id, from_id=c.carried_over_from
                )
                for c in card.carried_over
            ],
            carried_forward=card.carried_forward,
            findings=(
                None
                if card.findings is None
                else [
                    FindingCount(kind=kind, severity=audit.SEVERITY[kind], count=n)
                    for kind, n in card.findings.items()
                ]
            ),
        )

    @strawberry.field(description="The team; null for the organisation as a whole.")
    def team(self) -> Team | None:
        return self.loaded_team


@strawberry.type(description="A cycle's results, compared with an earlier cycle's.")
class Retrospective:
    cycle: Cycle = strawberry.field(description="The cycle looked back on.")
    compared_with: Cycle | None = strawberry.field(
        description="The cycle it is compared with; null when there is none."
    )
    organisation: Scorecard = strawberry.field(description="Every team together.")
    teams: list[Scorecard] = strawberry.field(
        description="Each team with objectives in the cycle, in the order they set them."
    )
    people: list[PersonScorecard] = strawberry.field(
        description="Each person who owns an objective or a key result of the cycle, in the "
        "order they first own one: what they own, and how well they forecast it."
    )


async def retrospective(info: Info, cycle_id: str, compare_with: str | None) -> Retrospective:
    """Read from the tallies the projector keeps per team and cycle (a few small rows
    instead of every document of two cycles; projections/tallies.py)."""
    backend = info.context.backend
    store = backend.store
    found = (await store.get(CYCLES, [cycle_id])).get(cycle_id)
    if found is None:
        raise not_found("Cycle", cycle_id, "cycleId")
    if compare_with is None:
        previous = retro.previous_cycle(found, await store.find(CYCLES, {}))
        compare_with = previous["id"] if previous else None
    elif compare_with == cycle_id:
        raise OkraError(
            "compareWithCycleId: must be another cycle", "BAD_USER_INPUT", "compareWithCycleId"
        )
    elif not await store.get(CYCLES, [compare_with]):
        raise not_found("Cycle", compare_with, "compareWithCycleId")
    wanted = [cycle_id] if compare_with is None else [cycle_id, compare_with]
    rows = await store.find(TALLIES, {"cycle_id": wanted})
    mine = [r for r in rows if r["cycle_id"] == cycle_id]
    compared = None if compare_with is None else [r for r in rows if r["cycle_id"] == compare_with]
    counts = await _findings(info, found, [r for r in mine if not r["team_id"]])
    result = await backend.heavy.compute(
        tallies.retrospective, found, mine, compare_with, compared, counts
    )
    cycle = await loading.cycle(info, cycle_id)
    assert cycle is not None
    teams = await _teams(info, [card.team_id for card in result.teams])
    return Retrospective(
        cycle=cycle,
        compared_with=await loading.cycle(info, compare_with),
        organisation=Scorecard.of(result.organisation),
        teams=[Scorecard.of(card, teams.get(card.team_id or "")) for card in result.teams],
        people=[PersonScorecard.of(card) for card in result.people],
    )


def _asks_for(selections: Iterable[Any], name: str) -> bool:
    """Whether a field called ``name`` is selected anywhere in these selections
    (fragments included: strawberry gives their selections too)."""
    for selection in selections:
        if getattr(selection, "name", None) == name and not hasattr(selection, "type_condition"):
            return True
        if _asks_for(getattr(selection, "selections", ()), name):
            return True
    return False


async def _teams(info: Info, team_ids: list[str | None]) -> dict[str, Team]:
    """The scorecards' teams in one batch, when the query asks for a team at all."""
    if not _asks_for(info.selected_fields, "team"):
        return {}
    found = await asyncio.gather(*(loading.team(info, team_id) for team_id in team_ids))
    return {str(t): team for t, team in zip(team_ids, found, strict=True) if team is not None}


async def _findings(info: Info, cycle: Doc, rows: list[Doc]) -> dict[str, dict[str, int]] | None:
    """A closed cycle's findings per team: the projector's count, unless this gateway
    judges by other thresholds than it does (then counted from the documents)."""
    if cycle["status"] != "CLOSED":
        return None
    backend = info.context.backend
    thresholds = backend.settings.audit.thresholds()
    if rows and tallies.matches(rows[0], thresholds):
        counts: dict[str, dict[str, int]] = rows[0]["findings"]
        return counts
    today = backend.app.clock().date()
    found = await judged.audit_of(
        backend.store, cycle, today, thresholds, compute=backend.heavy.compute
    )
    return tallies.counts_of(found)


@strawberry.type
class RetrospectiveQuery:
    @strawberry.field(
        description="Look back on a cycle: average grade and its change, grades per band, "
        "committed key results hit, aspirational results against 0.7, bets, confidence "
        "calibration, carry-overs and, once closed, the alignment audit; for the "
        "organisation and each team."
    )
    async def retrospective(
        self,
        info: Info,
        cycle_id: Annotated[strawberry.ID, strawberry.argument(description="The cycle.")],
        compare_with_cycle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The cycle to compare with; default: the previous cycle of the "
                "same kind (the quarter before a quarter)."
            ),
        ] = None,
    ) -> Retrospective:
        return await retrospective(
            info,
            str(cycle_id),
            None if compare_with_cycle_id is None else str(compare_with_cycle_id),
        )
