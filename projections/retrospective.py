"""Quarter-over-quarter retrospectives, as plain numbers any presenter can reuse.

:func:`gather` reads the documents of a cycle (and of the one it is compared with);
:func:`retrospective` turns them into :class:`Scorecard` values for the organisation
and for each team with objectives in the cycle. GraphQL serves these dataclasses
as they are, so a report built from them shows exactly the same numbers.

The rules, in one place:

- Archived objectives are left out. An objective's grade is its grade of the closed
  cycle (after any regrade), or in an open cycle its score so far; a key result's,
  its final grade, or its score so far. Objectives without key results have none.
- The average grade is the mean of the objectives' grades (each objective once, as
  Google grades OKRs); its delta is against the same scope in the compared cycle.
- Bands are the API's score bands: RED below 0.4, YELLOW from 0.4 to below 0.7,
  GREEN from 0.7: so 0.35 is RED, 0.65 YELLOW and 0.7 GREEN (no rounding first).
- A committed key result is hit at a grade of 1.0, missed below it.
- The aspirational average is the mean grade of the aspirational objectives,
  reported with its distance from the 0.7 they are expected to reach.
- Bets are those of the cycle: counted by outcome, the stake spent is that of every
  bet not withdrawn (a withdrawal returns its stake), per stake unit; the realised
  impact sums the actual impact of the resolved bets.
- Calibration is the Brier score of every check-in confidence of the cycle's key
  results against the key result's outcome: 1 when its final grade reached what its
  objective's kind expects (1.0 committed, 0.7 aspirational), else 0. Lower is
  better; 0.25 is what always saying 0.5 scores. Only closed cycles have outcomes.
- Carried over: the cycle's objectives continued from an earlier cycle, each with
  how many cycles in a row it has been carried; carried forward: those of this
  cycle continued in a later one.
- For a closed cycle, the alignment audit's findings per kind (judged, as always
  for a closed cycle, as of its end).
- People: each person who owns an objective or a key result of the cycle, with the
  average grade of the objectives they own and of the key results they own, and the
  calibration of the check-in confidences on the key results they own (the owner
  answers for the forecast, whoever typed it). History from before people has no
  owner and counts for nobody.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from statistics import fmean

from domain.model.bet import BetStatus
from domain.model.cycle import CycleStatus
from domain.model.objective import ObjectiveKind, ObjectiveStatus
from domain.model.scoring import EXPECTED_GRADE, ScoreBand, band
from projections import audit, impact
from projections.documents import Doc, counting
from projections.numbers import total
from projections.store import ViewStore
from projections.views import ACTIONS, BETS, CHECK_INS, CYCLES, OBJECTIVES, TEAMS


@dataclass(frozen=True)
class Bands:
    red: int = 0
    yellow: int = 0
    green: int = 0


@dataclass(frozen=True)
class ActionFunnel:
    """From ideas to bets to outcomes: how a cycle's actions fared (issue 15)."""

    proposed: int = 0  # every action, whether it started as an idea or with its bet
    ideas: int = 0  # still ideas
    bets: int = 0  # turned into bets (whatever their outcome since)
    validated: int = 0
    invalidated: int = 0
    withdrawn: int = 0
    dropped: int = 0


def action_funnel(actions: Iterable[Doc]) -> ActionFunnel:
    return funnel_of(Counter(a["status"] for a in actions))


def funnel_of(tally: Counter[str]) -> ActionFunnel:
    """The funnel from the number of actions in each status (the tallies keep those)."""
    return ActionFunnel(
        proposed=sum(tally.values()),
        ideas=tally["IDEA"],
        bets=sum(tally[s] for s in ("BET", "VALIDATED", "INVALIDATED", "WITHDRAWN")),
        validated=tally["VALIDATED"],
        invalidated=tally["INVALIDATED"],
        withdrawn=tally["WITHDRAWN"],
        dropped=tally["DROPPED"],
    )


@dataclass(frozen=True)
class BetSummary:
    placed: int = 0
    validated: int = 0
    invalidated: int = 0
    withdrawn: int = 0
    open: int = 0
    stake_spent: dict[str, float] = field(default_factory=dict)  # stake unit -> amount
    realised_impact: float = 0.0  # across units (deprecated: realised says it per unit)
    realised: impact.Impacts = field(default_factory=impact.Impacts)
    funnel: ActionFunnel = field(default_factory=ActionFunnel)


@dataclass(frozen=True)
class Calibration:
    brier_score: float | None
    forecasts: int  # check-ins with a confidence that were scored
    key_results: int  # key results those check-ins were about


@dataclass(frozen=True)
class CarriedOver:
    objective_id: str
    carried_over_from: str
    cycles: int


@dataclass(frozen=True)
class Scorecard:
    """One cycle's results for the organisation (``team_id`` None) or one team."""

    team_id: str | None
    objectives: int
    key_results: int
    average_grade: float | None
    compared_average_grade: float | None
    average_grade_delta: float | None
    objective_bands: Bands
    key_result_bands: Bands
    committed_hit: int
    committed_missed: int
    aspirational_average: float | None
    aspirational_vs_expected: float | None
    bets: BetSummary
    calibration: Calibration
    carried_over: list[CarriedOver]
    carried_forward: int
    findings: dict[audit.FindingKind, int] | None  # kind -> count, for a closed cycle


@dataclass(frozen=True)
class PersonCard:
    """One owner's results in a cycle."""

    person_id: str
    objectives: int
    key_results: int
    average_grade: float | None  # of the objectives they own
    key_result_average_grade: float | None  # of the key results they own
    calibration: Calibration


@dataclass(frozen=True)
class Retrospective:
    cycle_id: str
    compared_with_id: str | None
    organisation: Scorecard
    teams: list[Scorecard]
    people: list[PersonCard] = field(default_factory=list)


@dataclass
class CycleFacts:
    """What the retrospective reads of one cycle."""

    cycle: Doc
    objectives: list[Doc]  # archived ones already left out
    bets: list[Doc]
    check_ins: dict[str, list[Doc]]  # key result id -> its check-ins
    stake_units: dict[str, str]  # team id -> stake unit
    findings: list[audit.Finding] | None = None
    actions: list[Doc] = field(default_factory=list)


def archived(objective: Doc) -> bool:
    """Archived, or archived when its cycle closed (closing grades those too)."""
    return objective["status"] == ObjectiveStatus.ARCHIVED or bool(
        objective.get("archived_at_close")
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 6) if present else None


def objective_grade(doc: Doc) -> float | None:
    grade: float | None = doc["grade"] if doc["status"] == ObjectiveStatus.CLOSED else doc["score"]
    return grade


def key_result_grade(row: Doc) -> float:
    grade: float = row["final_grade"] if row.get("final_grade") is not None else row["score"]
    return grade


def reached(objective: Doc, row: Doc) -> bool:
    return key_result_grade(row) >= EXPECTED_GRADE[objective["kind"]] - 1e-9


def bands(grades: Iterable[float | None]) -> Bands:
    tally = Counter(band(g) for g in grades if g is not None)
    return Bands(
        red=tally[ScoreBand.RED], yellow=tally[ScoreBand.YELLOW], green=tally[ScoreBand.GREEN]
    )


def bet_summary(
    bets: Sequence[Doc], stake_units: dict[str, str], measures: dict[str, impact.Measure]
) -> BetSummary:
    tally = Counter(b["status"] for b in bets)
    stakes: dict[str, list[float]] = defaultdict(list)
    for bet in bets:
        if bet["status"] != BetStatus.WITHDRAWN:
            stakes[stake_units.get(bet["team_id"], "")].append(bet["stake"])
    spent = {unit: total(amounts) for unit, amounts in stakes.items()}
    realised_impact = total(
        b["actual_impact"] or 0.0 for b in bets if b["status"] in ("VALIDATED", "INVALIDATED")
    )
    return BetSummary(
        placed=len(bets),
        validated=tally["VALIDATED"],
        invalidated=tally["INVALIDATED"],
        withdrawn=tally["WITHDRAWN"],
        open=tally["PLACED"],
        stake_spent={unit: round(amount, 6) for unit, amount in sorted(spent.items())},
        realised_impact=round(realised_impact, 6),
        realised=impact.realised(bets, measures),
    )


@dataclass(frozen=True)
class Forecast:
    """One check-in confidence and what came of it (1.0: the key result reached its
    expected grade)."""

    key_result_id: str
    confidence: float
    outcome: float


KeyResultOf = tuple[Doc, Doc]  # (objective, key result row)


def key_results_of(objectives: Iterable[Doc]) -> list[KeyResultOf]:
    return [(o, kr) for o in objectives for kr in o["key_results"]]


def forecasts(facts: CycleFacts, rows: Iterable[KeyResultOf]) -> list[Forecast]:
    """The confidences calibration scores: none before the cycle closes."""
    if facts.cycle["status"] != CycleStatus.CLOSED:
        return []
    found = []
    for objective, row in rows:
        outcome = 1.0 if reached(objective, row) else 0.0
        for check_in in facts.check_ins.get(row["id"], []):
            if check_in["confidence"] is not None:
                found.append(Forecast(row["id"], check_in["confidence"], outcome))
    return found


def calibration(facts: CycleFacts, rows: Iterable[KeyResultOf]) -> Calibration:
    scored = forecasts(facts, rows)
    return Calibration(
        _mean((f.confidence - f.outcome) ** 2 for f in scored),
        len(scored),
        len({f.key_result_id for f in scored}),
    )


def scorecard(facts: CycleFacts, compared: CycleFacts | None, team_id: str | None) -> Scorecard:
    def mine(docs: Iterable[Doc]) -> list[Doc]:
        return [d for d in docs if team_id is None or d["team_id"] == team_id]

    objectives = mine(facts.objectives)
    rows = key_results_of(objectives)
    average = _mean(objective_grade(o) for o in objectives)
    before = _mean(objective_grade(o) for o in mine(compared.objectives)) if compared else None
    committed = [reached(o, kr) for o, kr in rows if o["kind"] == ObjectiveKind.COMMITTED]
    aspirational = _mean(
        objective_grade(o) for o in objectives if o["kind"] == ObjectiveKind.ASPIRATIONAL
    )
    findings = None
    if facts.findings is not None and facts.cycle["status"] == CycleStatus.CLOSED:
        counted = Counter(f.kind for f in facts.findings if team_id in (None, f.team_id))
        findings = {kind: counted[kind] for kind in audit.KINDS}
    return Scorecard(
        team_id=team_id,
        objectives=len(objectives),
        key_results=len(rows),
        average_grade=average,
        compared_average_grade=before,
        average_grade_delta=(
            None if average is None or before is None else _round(average - before)
        ),
        objective_bands=bands(objective_grade(o) for o in objectives),
        key_result_bands=bands(key_result_grade(kr) for _, kr in rows),
        committed_hit=sum(committed),
        committed_missed=len(committed) - sum(committed),
        aspirational_average=aspirational,
        aspirational_vs_expected=(
            None if aspirational is None else _round(aspirational - EXPECTED_GRADE["ASPIRATIONAL"])
        ),
        bets=replace(
            bet_summary(mine(facts.bets), facts.stake_units, impact.measures(facts.objectives)),
            funnel=action_funnel(mine(facts.actions)),
        ),
        calibration=calibration(facts, rows),
        carried_over=[
            CarriedOver(o["id"], o["carried_over_from"], o.get("carry_over_count", 1))
            for o in objectives
            if o.get("carried_over_from")
        ],
        carried_forward=sum(1 for o in objectives if o.get("carried_over_to")),
        findings=findings,
    )


def person_card(facts: CycleFacts, person_id: str) -> PersonCard:
    objectives = [o for o in facts.objectives if o.get("owner_id") == person_id]
    rows = [
        (o, kr) for o, kr in key_results_of(facts.objectives) if kr.get("owner_id") == person_id
    ]
    return PersonCard(
        person_id=person_id,
        objectives=len(objectives),
        key_results=len(rows),
        average_grade=_mean(objective_grade(o) for o in objectives),
        key_result_average_grade=_mean(key_result_grade(kr) for _, kr in rows),
        calibration=calibration(facts, rows),
    )


def retrospective(facts: CycleFacts, compared: CycleFacts | None) -> Retrospective:
    teams = list(dict.fromkeys(o["team_id"] for o in facts.objectives))
    return Retrospective(
        cycle_id=facts.cycle["id"],
        compared_with_id=compared.cycle["id"] if compared else None,
        organisation=scorecard(facts, compared, None),
        teams=[scorecard(facts, compared, team) for team in teams],
        people=[person_card(facts, person) for person in audit.owners(facts.objectives)],
    )


def previous_cycle(cycle: Doc, cycles: Iterable[Doc]) -> Doc | None:
    """The latest cycle of the same kind that started before this one."""
    earlier = [
        c for c in cycles if c["kind"] == cycle["kind"] and c["starts_on"] < cycle["starts_on"]
    ]
    return max(earlier, key=lambda c: c["starts_on"]) if earlier else None


async def gather(
    store: ViewStore, cycle_id: str, today: date, thresholds: audit.Thresholds
) -> CycleFacts | None:
    """The documents of one cycle; ``None`` if there is no such cycle."""
    cycle = (await store.get(CYCLES, [cycle_id])).get(cycle_id)
    if cycle is None:
        return None
    objectives = [
        o for o in await store.find(OBJECTIVES, {"cycle_id": cycle_id}) if not archived(o)
    ]
    key_result_ids = [kr["id"] for o in objectives for kr in o["key_results"]]
    check_ins: dict[str, list[Doc]] = defaultdict(list)
    if key_result_ids:
        for doc in counting(await store.find(CHECK_INS, {"key_result_id": key_result_ids})):
            check_ins[doc["key_result_id"]].append(doc)
    bets = await store.find(BETS, {"cycle_id": cycle_id})
    team_ids = sorted({o["team_id"] for o in objectives} | {b["team_id"] for b in bets})
    teams = await store.get(TEAMS, team_ids)
    findings = None
    if cycle["status"] == CycleStatus.CLOSED:
        audited = await audit.gather(store, cycle_id)
        findings = audit.audit(audited, today, thresholds) if audited is not None else None
    return CycleFacts(
        cycle=cycle,
        objectives=objectives,
        bets=bets,
        check_ins=dict(check_ins),
        stake_units={t: doc["stake_unit"] for t, doc in teams.items()},
        findings=findings,
        actions=await store.find(ACTIONS, {"cycle_id": cycle_id}),
    )
