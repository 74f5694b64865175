"""The figures of a retrospective report, read from the views.

Every number comes from the functions the GraphQL resolvers call:
:func:`projections.retrospective.retrospective` for the scorecards (``retrospective``
query) and :func:`projections.trends.team_trend` over the cycle's weeks for the trends
(``scoreTrend(teamId, cycleId)``). :func:`as_json` lays them out as those queries
answer them, so a reader (or a test) can set the page beside the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.model.cycle import CycleStatus
from projections import audit, trends
from projections import retrospective as retro
from projections.documents import Doc
from projections.store import ViewStore
from projections.views import CYCLES, OBJECTIVES, TEAMS

BUCKET = "WEEK"  # scoreTrend's default, and what a quarter reads best in


class ReportError(Exception):
    """The report cannot be made as asked (an unknown cycle, say)."""


@dataclass(frozen=True)
class TeamTrend:
    team_id: str
    starts_on: date
    ends_on: date
    points: list[trends.Point]


@dataclass(frozen=True)
class RetroFigures:
    cycle: Doc
    compared: Doc | None
    result: retro.Retrospective
    teams: dict[str, Doc]  # every team, by id
    cycles: dict[str, Doc]  # every cycle, by id
    objectives: list[Doc]  # the cycle's, archived ones left out, in the order they were set
    origins: dict[str, Doc]  # the objectives carried over from, by id
    trends: list[TeamTrend]  # in the order of result.teams
    forecasts: list[retro.Forecast]  # what the organisation's Brier score scores
    findings: list[audit.Finding] | None  # the closed cycle's audit
    today: date

    def team_name(self, team_id: str | None) -> str:
        if team_id is None:
            return "Organisation"
        team = self.teams.get(team_id)
        return str(team["name"]) if team else team_id

    @property
    def organisation_name(self) -> str | None:
        """The one top-level team, if there is exactly one: it names the organisation."""
        roots = [t for t in self.teams.values() if t.get("parent_id") is None]
        return str(roots[0]["name"]) if len(roots) == 1 else None


def resolve_cycle(cycles: dict[str, Doc], reference: str, option: str) -> Doc:
    """A cycle by id or by name (names are unique)."""
    if reference in cycles:
        return cycles[reference]
    named = [c for c in cycles.values() if c["name"] == reference]
    if not named:
        named = [c for c in cycles.values() if c["name"].casefold() == reference.casefold()]
    if len(named) == 1:
        return named[0]
    known = ", ".join(sorted(c["name"] for c in cycles.values())) or "none yet"
    raise ReportError(f"{option}: no cycle is named or has the id {reference!r} (cycles: {known})")


async def gather(
    store: ViewStore,
    cycle_ref: str,
    compare_ref: str | None,
    today: date,
    thresholds: audit.Thresholds,
) -> RetroFigures:
    """The figures of one cycle, compared with ``compare_ref`` or, as the
    ``retrospective`` query does by default, with the previous cycle of its kind."""
    cycles = {c["id"]: c for c in await store.find(CYCLES, {})}
    cycle = resolve_cycle(cycles, cycle_ref, "--cycle")
    if compare_ref is None:
        before = retro.previous_cycle(cycle, cycles.values())
    else:
        before = resolve_cycle(cycles, compare_ref, "--compare")
        if before["id"] == cycle["id"]:
            raise ReportError("--compare: must be another cycle than --cycle")
    facts = await retro.gather(store, cycle["id"], today, thresholds)
    compared = await retro.gather(store, before["id"], today, thresholds) if before else None
    assert facts is not None  # it was just read
    result = retro.retrospective(facts, compared)

    first, last = trends.cycle_range(cycle, today)
    days = trends.buckets(first, last, BUCKET)
    team_trends = []
    for card in result.teams:
        assert card.team_id is not None
        objectives = await trends.team_objectives(store, card.team_id, cycle["id"])
        team_trends.append(
            TeamTrend(card.team_id, first, last, trends.team_trend(objectives, days))
        )
    origin_ids = sorted(
        {o["carried_over_from"] for o in facts.objectives if o.get("carried_over_from")}
    )
    return RetroFigures(
        cycle=cycle,
        compared=before,
        result=result,
        teams={t["id"]: t for t in await store.find(TEAMS, {})},
        cycles=cycles,
        objectives=facts.objectives,
        origins=await store.get(OBJECTIVES, origin_ids) if origin_ids else {},
        trends=team_trends,
        forecasts=retro.forecasts(facts, retro.key_results_of(facts.objectives)),
        findings=facts.findings if cycle["status"] == CycleStatus.CLOSED else None,
        today=today,
    )


# -- the figures as the GraphQL queries answer them ----------------------------------------


def _cycle(doc: Doc | None) -> dict[str, Any] | None:
    return None if doc is None else {"id": doc["id"], "name": doc["name"]}


def _bands(bands: retro.Bands) -> dict[str, int]:
    return {"red": bands.red, "yellow": bands.yellow, "green": bands.green}


def _card(figures: RetroFigures, card: retro.Scorecard) -> dict[str, Any]:
    def objective(object_id: str, docs: dict[str, Doc]) -> dict[str, Any]:
        doc = docs.get(object_id)
        return {"id": object_id, "title": doc["title"] if doc else None}

    mine = {o["id"]: o for o in figures.objectives}
    bets = card.bets
    return {
        "team": (
            None
            if card.team_id is None
            else {"id": card.team_id, "name": figures.team_name(card.team_id)}
        ),
        "objectiveCount": card.objectives,
        "keyResultCount": card.key_results,
        "averageGrade": card.average_grade,
        "comparedAverageGrade": card.compared_average_grade,
        "averageGradeDelta": card.average_grade_delta,
        "objectiveGrades": _bands(card.objective_bands),
        "keyResultGrades": _bands(card.key_result_bands),
        "committedHit": card.committed_hit,
        "committedMissed": card.committed_missed,
        "aspirationalAverage": card.aspirational_average,
        "aspirationalVsExpected": card.aspirational_vs_expected,
        "bets": {
            "placed": bets.placed,
            "validated": bets.validated,
            "invalidated": bets.invalidated,
            "withdrawn": bets.withdrawn,
            "open": bets.open,
            "stakeSpent": [{"unit": u, "amount": a} for u, a in bets.stake_spent.items()],
            "realisedImpactByUnit": [
                {"unit": u, "amount": a} for u, a in bets.realised.by_unit.items()
            ],
            "realisedProgress": bets.realised.progress,
        },
        "calibration": {
            "brierScore": card.calibration.brier_score,
            "forecasts": card.calibration.forecasts,
            "keyResults": card.calibration.key_results,
        },
        "carriedOver": [
            {
                "cycles": c.cycles,
                "objective": objective(c.objective_id, mine),
                "carriedOverFrom": {
                    **objective(c.carried_over_from, figures.origins),
                    "cycleId": figures.origins.get(c.carried_over_from, {}).get("cycle_id"),
                },
            }
            for c in card.carried_over
        ],
        "carriedForward": card.carried_forward,
        "findings": (
            None
            if card.findings is None
            else [
                {"kind": kind, "severity": audit.SEVERITY[kind], "count": n}
                for kind, n in card.findings.items()
            ]
        ),
    }


def as_json(figures: RetroFigures) -> dict[str, Any]:
    """``retrospective(cycleId, compareWithCycleId)`` and each team's
    ``scoreTrend(teamId, cycleId)``, field for field."""
    return {
        "retrospective": {
            "cycle": _cycle(figures.cycle),
            "comparedWith": _cycle(figures.compared),
            "organisation": _card(figures, figures.result.organisation),
            "teams": [_card(figures, card) for card in figures.result.teams],
        },
        "scoreTrends": [
            {
                "team": {"id": t.team_id, "name": figures.team_name(t.team_id)},
                "bucket": BUCKET,
                "startsOn": t.starts_on.isoformat(),
                "endsOn": t.ends_on.isoformat(),
                "points": [
                    {"at": p.at.isoformat(), "score": p.score, "confidence": p.confidence}
                    for p in t.points
                ],
            }
            for t in figures.trends
        ],
    }
