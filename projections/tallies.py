"""The retrospective, kept as small tallies per team and cycle.

A retrospective computed from the documents reads every objective, bet and check-in
of two cycles (6.5 s at a million events). Instead the projector keeps, for each
(cycle, team), one row of what the retrospective needs of that team: the objectives'
grades, band counts, committed hits, the bets' stakes per unit, the calibration's sum
of squares and count, carry-overs, and the same per owner. The rows are made by
:func:`tally` from the team's documents with the retrospective's own rules
(:mod:`projections.retrospective`: ``archived``, ``objective_grade``, ``reached``,
``forecasts``...), so a change to a rule changes both. A closed cycle's audit
findings, counted per team, are one more row per cycle (:func:`findings_row`).

:func:`retrospective` turns the rows of a cycle (and of the one it is compared with)
into the very :class:`~projections.retrospective.Retrospective` that the from-scratch
computation gives; the equivalence test holds them to it. Lists are kept where they
are short (a team's grades, stakes and impacts), so those figures are exactly the
same; the Brier score is kept as an exact sum (``fsum``) and a count per team, so the
organisation's agrees with the from-scratch one to the last rounding digit but one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from domain.model.cycle import CycleStatus
from domain.model.objective import ObjectiveKind
from domain.model.scoring import EXPECTED_GRADE, ScoreBand, band
from projections import audit, impact, strategy
from projections import retrospective as retro
from projections.documents import Doc
from projections.numbers import total

LAST = 2**62  # the order of a team that has bets but no objective in the cycle

_BANDS = (ScoreBand.RED, ScoreBand.YELLOW, ScoreBand.GREEN)


def row_id(cycle_id: str, team_id: str) -> str:
    return f"{cycle_id}/{team_id}"


def _band_counts(grades: Iterable[float | None]) -> list[int]:
    counts = [0, 0, 0]
    for grade in grades:
        if grade is not None:
            counts[_BANDS.index(band(grade))] += 1
    return counts


def _squares(found: Sequence[retro.Forecast]) -> list[float]:
    """Calibration as ``[sum of squared errors, forecasts, key results]``."""
    return [
        math.fsum((f.confidence - f.outcome) ** 2 for f in found),
        len(found),
        len({f.key_result_id for f in found}),
    ]


def tally(
    cycle: Doc,
    team_id: str,
    objectives: Sequence[Doc],
    bets: Sequence[Doc],
    check_ins: dict[str, list[Doc]],
    stake_unit: str,
    actions: Sequence[Doc] = (),
) -> Doc:
    """The row of one team in one cycle, from its documents (archived objectives are
    left out here, as ``retrospective.gather`` does; ``check_ins``: those that count).

    Realised impacts are kept as (key result, impact) pairs and the row keeps the
    measures of those of its key results that its bets are on (a bet is its key
    result's team's); units and progress points are resolved when the rows are merged
    (:func:`retrospective`), over the measures of every row of the cycle."""
    live = sorted((o for o in objectives if not retro.archived(o)), key=lambda o: o["pos"])
    facts = retro.CycleFacts(cycle, live, list(bets), check_ins, {team_id: stake_unit})
    rows = retro.key_results_of(live)
    people: dict[str, Doc] = {}

    def person(person_id: str, first: list[int]) -> Doc:
        return people.setdefault(
            person_id,
            {"first": first, "grades": [], "kr_grades": [], "calibration": [0.0, 0, 0]},
        )

    for objective in live:
        for index, row in enumerate((objective, *objective["key_results"])):
            if row.get("owner_id"):
                person(row["owner_id"], [objective["pos"], index])
        if objective.get("owner_id"):
            people[objective["owner_id"]]["grades"].append(retro.objective_grade(objective))
    owned: dict[str, list[retro.KeyResultOf]] = {}
    for objective, row in rows:
        if row.get("owner_id"):
            people[row["owner_id"]]["kr_grades"].append(retro.key_result_grade(row))
            owned.setdefault(row["owner_id"], []).append((objective, row))
    for person_id, theirs in owned.items():
        people[person_id]["calibration"] = _squares(retro.forecasts(facts, theirs))

    committed = [retro.reached(o, kr) for o, kr in rows if o["kind"] == ObjectiveKind.COMMITTED]
    stakes: dict[str, list[float]] = {}
    for bet in bets:
        if bet["status"] != "WITHDRAWN":
            stakes.setdefault(stake_unit, []).append(bet["stake"])
    statuses = [b["status"] for b in bets]
    betted = {b["key_result_id"] for b in bets}
    return {
        "id": row_id(cycle["id"], team_id),
        "cycle_id": cycle["id"],
        "team_id": team_id,
        "pos": live[0]["pos"] if live else LAST,
        "objectives": len(live),
        "key_results": len(rows),
        "grades": [retro.objective_grade(o) for o in live],
        "kr_bands": _band_counts(retro.key_result_grade(kr) for _, kr in rows),
        "committed": [sum(committed), len(committed)],
        "aspirational": [
            retro.objective_grade(o) for o in live if o["kind"] == ObjectiveKind.ASPIRATIONAL
        ],
        "bets": {
            "placed": len(bets),
            "validated": statuses.count("VALIDATED"),
            "invalidated": statuses.count("INVALIDATED"),
            "withdrawn": statuses.count("WITHDRAWN"),
            "open": statuses.count("PLACED"),
            "stakes": stakes,
            "impacts": [
                b["actual_impact"] or 0.0
                for b in bets
                if b["status"] in ("VALIDATED", "INVALIDATED")
            ],
            "realised": [
                [b["key_result_id"], b["actual_impact"]]
                for b in bets
                if b["status"] in ("VALIDATED", "INVALIDATED") and b["actual_impact"] is not None
            ],
        },
        "funnel": dict(sorted(Counter(a["status"] for a in actions).items())),
        "measures": {
            kr_id: [measure.unit, measure.span]
            for kr_id, measure in impact.measures(live).items()
            if kr_id in betted
        },
        "calibration": _squares(retro.forecasts(facts, rows)),
        "carried_over": [
            [o["pos"], o["id"], o["carried_over_from"], o.get("carry_over_count", 1)]
            for o in live
            if o.get("carried_over_from")
        ],
        "carried_forward": sum(1 for o in live if o.get("carried_over_to")),
        "people": people,
        "strategy": strategy.tagged(sorted(objectives, key=lambda o: o["pos"])),
    }


def findings_row(cycle_id: str, findings: Iterable[audit.Finding]) -> Doc:
    """A closed cycle's audit findings counted per team (the row with no team)."""
    counts: dict[str, dict[str, int]] = {}
    for finding in findings:
        per_team = counts.setdefault(finding.team_id, {})
        per_team[finding.kind.value] = per_team.get(finding.kind.value, 0) + 1
    return {
        "id": row_id(cycle_id, ""),
        "cycle_id": cycle_id,
        "team_id": "",
        "pos": LAST,
        "findings": counts,
        "thresholds": asdict(THRESHOLDS),
    }


# The projector judges closed cycles by the default thresholds; a gateway configured
# otherwise counts the findings from the documents instead.
THRESHOLDS = audit.Thresholds()


def matches(row: Doc, thresholds: audit.Thresholds) -> bool:
    return bool(row.get("thresholds") == asdict(thresholds))


# -- from rows to the retrospective ---------------------------------------------------


def _brier(parts: Iterable[Sequence[float]]) -> retro.Calibration:
    squares, count, key_results = [], 0, 0
    for part in parts:
        squares.append(part[0])
        count += int(part[1])
        key_results += int(part[2])
    brier = round(math.fsum(squares) / count, 6) if count else None
    return retro.Calibration(brier, count, key_results)


def measures_of(rows: Iterable[Doc]) -> dict[str, impact.Measure]:
    """The measures of every key result of a cycle, from all its team rows."""
    return {
        kr_id: impact.Measure(unit, span)
        for row in rows
        for kr_id, (unit, span) in row["measures"].items()
    }


def _bets(rows: Sequence[Doc], measures: dict[str, impact.Measure]) -> retro.BetSummary:
    stakes: dict[str, list[float]] = {}
    for row in rows:
        for unit, amounts in row["bets"]["stakes"].items():
            stakes.setdefault(unit, []).extend(amounts)

    def count(name: str) -> int:
        return sum(int(row["bets"][name]) for row in rows)

    return retro.BetSummary(
        placed=count("placed"),
        validated=count("validated"),
        invalidated=count("invalidated"),
        withdrawn=count("withdrawn"),
        open=count("open"),
        stake_spent={unit: round(total(amounts), 6) for unit, amounts in sorted(stakes.items())},
        realised_impact=round(total(i for row in rows for i in row["bets"]["impacts"]), 6),
        realised=impact.Impacts.of(
            ((kr_id, amount) for row in rows for kr_id, amount in row["bets"]["realised"]),
            measures,
        ),
        funnel=retro.funnel_of(sum((Counter(row["funnel"]) for row in rows), Counter())),
    )


def _bands(counts: Iterable[Sequence[int]]) -> retro.Bands:
    red = yellow = green = 0
    for r, y, g in counts:
        red, yellow, green = red + r, yellow + y, green + g
    return retro.Bands(red=red, yellow=yellow, green=green)


def scorecard(
    team_id: str | None,
    rows: Sequence[Doc],
    compared: Sequence[Doc] | None,
    findings: dict[str, dict[str, int]] | None,
    measures: dict[str, impact.Measure],
) -> retro.Scorecard:
    """One scorecard from the rows of its scope (one team's, or every team's);
    ``measures``: of every key result of the cycle."""
    grades = [g for row in rows for g in row["grades"]]
    average = retro._mean(grades)
    before = retro._mean(g for row in compared for g in row["grades"]) if compared else None
    aspirational = retro._mean(g for row in rows for g in row["aspirational"])
    hit = sum(int(row["committed"][0]) for row in rows)
    committed = sum(int(row["committed"][1]) for row in rows)
    counted = None
    if findings is not None:
        scope = findings.values() if team_id is None else [findings.get(team_id, {})]
        counted = {kind: sum(part.get(kind, 0) for part in scope) for kind in audit.KINDS}
    carried = sorted((entry for row in rows for entry in row["carried_over"]), key=lambda e: e[0])
    return retro.Scorecard(
        team_id=team_id,
        objectives=sum(int(row["objectives"]) for row in rows),
        key_results=sum(int(row["key_results"]) for row in rows),
        average_grade=average,
        compared_average_grade=before,
        average_grade_delta=(
            None if average is None or before is None else retro._round(average - before)
        ),
        objective_bands=retro.bands(grades),
        key_result_bands=_bands(row["kr_bands"] for row in rows),
        committed_hit=hit,
        committed_missed=committed - hit,
        aspirational_average=aspirational,
        aspirational_vs_expected=(
            None
            if aspirational is None
            else retro._round(aspirational - EXPECTED_GRADE["ASPIRATIONAL"])
        ),
        bets=_bets(rows, measures),
        calibration=_brier(row["calibration"] for row in rows),
        carried_over=[retro.CarriedOver(*entry[1:]) for entry in carried],
        carried_forward=sum(int(row["carried_forward"]) for row in rows),
        findings=counted,
    )


def _people(rows: Sequence[Doc]) -> list[retro.PersonCard]:
    parts: dict[str, list[Doc]] = {}
    for row in rows:
        for person_id, part in row["people"].items():
            parts.setdefault(person_id, []).append(part)
    order = sorted(parts, key=lambda p: min(part["first"] for part in parts[p]))
    return [
        retro.PersonCard(
            person_id=person_id,
            objectives=sum(len(part["grades"]) for part in parts[person_id]),
            key_results=sum(len(part["kr_grades"]) for part in parts[person_id]),
            average_grade=retro._mean(g for part in parts[person_id] for g in part["grades"]),
            key_result_average_grade=retro._mean(
                g for part in parts[person_id] for g in part["kr_grades"]
            ),
            calibration=_brier(part["calibration"] for part in parts[person_id]),
        )
        for person_id in order
    ]


def retrospective(
    cycle: Doc,
    rows: Sequence[Doc],
    compared_with: str | None,
    compared: Sequence[Doc] | None,
    findings: dict[str, dict[str, int]] | None,
) -> retro.Retrospective:
    """The retrospective of ``cycle`` from its team rows (``findings``: the closed
    cycle's counts per team, else None); ``compared``: the rows of the cycle it is
    compared with (None: no such cycle)."""
    teams = sorted((r for r in rows if r["team_id"] and r["objectives"]), key=lambda r: r["pos"])
    before = {r["team_id"]: r for r in compared or ()}
    if cycle["status"] != CycleStatus.CLOSED:
        findings = None
    elif findings is None:
        findings = {}
    team_rows = [r for r in rows if r["team_id"]]
    earlier = None if compared is None else [r for r in compared if r["team_id"]]
    measures = measures_of(team_rows)

    def compared_of(team_id: str) -> list[Doc] | None:
        return None if compared is None else [before[team_id]] if team_id in before else []

    return retro.Retrospective(
        cycle_id=cycle["id"],
        compared_with_id=compared_with,
        organisation=scorecard(None, team_rows, earlier, findings, measures),
        teams=[
            scorecard(r["team_id"], [r], compared_of(r["team_id"]), findings, measures)
            for r in teams
        ],
        people=_people(teams),
    )


def counts_of(findings: Iterable[audit.Finding]) -> dict[str, dict[str, int]]:
    row: dict[str, Any] = findings_row("", findings)["findings"]
    return row
