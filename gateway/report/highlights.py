"""The few sentences a reader takes away, written from the retrospective's figures.

They only restate figures (each tagged like every other number on the page) and
say which team stands highest, lowest or moved most: no new computation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from projections.audit import Severity

Fig = Callable[[str, float | None, str], Markup]
ORG = "retrospective.organisation"


def _teams(r: dict[str, Any], field: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"retrospective.teams.{i}", card)
        for i, card in enumerate(r["teams"])
        if card[field] is not None
    ]


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def highlights(r: dict[str, Any], fig: Fig, *, closed: bool) -> list[Markup]:
    o = r["organisation"]
    vs = r["comparedWith"]["name"] if r["comparedWith"] else None
    said: list[Markup] = []
    if o["averageGrade"] is not None:
        grade = fig(f"{ORG}.averageGrade", o["averageGrade"], "grade")
        so_far = "" if closed else " so far"
        delta = o["averageGradeDelta"]
        if delta is None:
            said.append(Markup("Objectives averaged {}{}.").format(grade, so_far))
        else:
            said.append(
                Markup("Objectives averaged {}{}, {} against {} ({}).").format(
                    grade,
                    so_far,
                    fig(f"{ORG}.averageGradeDelta", delta, "delta"),
                    vs,
                    fig(f"{ORG}.comparedAverageGrade", o["comparedAverageGrade"], "grade"),
                )
            )
    graded = _teams(r, "averageGrade")
    if len(graded) > 1:
        (hp, high), (lp, low) = (
            max(graded, key=lambda t: t[1]["averageGrade"]),
            min(graded, key=lambda t: t[1]["averageGrade"]),
        )
        said.append(
            Markup("Highest: {} at {}; lowest: {} at {}.").format(
                high["team"]["name"],
                fig(f"{hp}.averageGrade", high["averageGrade"], "grade"),
                low["team"]["name"],
                fig(f"{lp}.averageGrade", low["averageGrade"], "grade"),
            )
        )
    moved = _teams(r, "averageGradeDelta")
    if moved:
        mp, most = max(moved, key=lambda t: abs(t[1]["averageGradeDelta"]))
        said.append(
            Markup("Biggest change since {}: {}, {}.").format(
                vs,
                most["team"]["name"],
                fig(f"{mp}.averageGradeDelta", most["averageGradeDelta"], "delta"),
            )
        )
    committed = o["committedHit"] + o["committedMissed"]
    if committed:
        said.append(
            Markup("{} of {} committed key results reached 1.0.").format(
                fig(f"{ORG}.committedHit", o["committedHit"], "count"), committed
            )
        )
    brier = o["calibration"]["brierScore"]
    if brier is not None:
        verdict = "better than" if brier < 0.25 else "worse than" if brier > 0.25 else "as good as"
        said.append(
            Markup("Confidence calibration (Brier) {}: {} always saying 50 % (0.25).").format(
                fig(f"{ORG}.calibration.brierScore", brier, "brier"), verdict
            )
        )
    bets = o["bets"]
    if bets["placed"]:
        said.append(
            Markup("{} of {} {} placed won, {} lost{}.").format(
                fig(f"{ORG}.bets.validated", bets["validated"], "count"),
                fig(f"{ORG}.bets.placed", bets["placed"], "count"),
                _plural(bets["placed"], "bet"),
                fig(f"{ORG}.bets.invalidated", bets["invalidated"], "count"),
                Markup(", {} still open").format(fig(f"{ORG}.bets.open", bets["open"], "count"))
                if bets["open"]
                else "",
            )
        )
    if o["findings"] is not None:
        total = sum(f["count"] for f in o["findings"])
        critical = sum(f["count"] for f in o["findings"] if f["severity"] == Severity.CRITICAL)
        said.append(
            Markup("The alignment audit found {} {}, {} of them critical.").format(
                total, _plural(total, "issue"), critical
            )
            if total
            else Markup("The alignment audit found nothing to fix.")
        )
    return said
