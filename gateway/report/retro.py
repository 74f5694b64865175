"""The retrospective page: one self-contained HTML file a leadership team can read on
screen or on paper.

Everything shown comes from :func:`gateway.report.figures.as_json` (what the
``retrospective`` and ``scoreTrend`` queries answer); each number on the page sits in
an element with ``data-figure`` naming its place in that JSON, which the page also
embeds (``<script type="application/json" id="okra-figures">``, data, never run), so
the page can be checked against the API. The template autoescapes: titles and names
are users' text.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from domain.model.cycle import CycleStatus
from domain.model.scoring import band
from gateway.report import bars, plots, svg
from gateway.report.figures import RetroFigures, as_json
from gateway.report.highlights import highlights
from projections import audit
from projections import retrospective as retro
from projections.audit import FindingKind

BET_KINDS = (
    svg.Kind("validated", "won (validated)", "#2f8f5f"),
    svg.Kind("invalidated", "lost (invalidated)", "#c8443f", "hatch"),
    svg.Kind("withdrawn", "withdrawn", "#8d99a6", "dots", svg.TEXT),
    svg.Kind("open", "open", "#1f4e79", "outline", svg.TEXT),
)
KIND_NAMES = {
    FindingKind.COMMITTED_AT_RISK: "Committed at risk",
    FindingKind.TANGENT_BET: "Tangent bet",
    FindingKind.ORPHAN_OBJECTIVE: "Orphan objective",
    FindingKind.UNSERVED_KEY_RESULT: "Unserved key result",
    FindingKind.STALE_KEY_RESULT: "Stale key result",
    FindingKind.KEY_ACTION_IDLE: "Key action idle",
    FindingKind.BROKEN_DATA_SOURCE: "Broken data source",
    FindingKind.INACTIVE_OWNER: "Owner gone",
    FindingKind.OVERLOADED_TEAM: "Overloaded team",
    FindingKind.UNTAGGED_OBJECTIVE: "Untagged objective",
    FindingKind.NO_OWNER: "No owner",
}
RELIABILITY_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


# -- how numbers read ------------------------------------------------------------------


def _grade(value: float) -> str:
    return f"{value:.2f}"


def _delta(value: float) -> str:
    shown = f"{abs(value):.2f}"
    if shown == "0.00":
        return shown
    return ("+" if value > 0 else "−") + shown


def _brier(value: float) -> str:
    return f"{value:.3f}"


def _amount(value: float) -> str:
    shown = f"{abs(value):,.2f}".rstrip("0").rstrip(".")
    return ("−" if value < 0 and shown != "0" else "") + shown


def _count(value: float) -> str:
    return str(int(value))


FORMATS: dict[str, Callable[[float], str]] = {
    "grade": _grade,
    "delta": _delta,
    "brier": _brier,
    "amount": _amount,
    "count": _count,
}


def fig(path: str, value: float | None, how: str = "grade") -> Markup:
    """A number as shown, tagged with where it lives in the embedded figures."""
    shown = "—" if value is None else FORMATS[how](value)
    return Markup(
        f'<span class="fig" data-figure="{escape(path)}" '
        f'data-value="{escape(json.dumps(value))}">{escape(shown)}</span>'
    )


def band_of(value: float | None) -> str:
    return band(value) or ""


def embedded(data: Any) -> Markup:
    """JSON that cannot end its ``<script>`` element early, whatever titles hold."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return Markup(text)


def reliability_bins(forecasts: Sequence[retro.Forecast]) -> list[plots.Bin]:
    """Confidences grouped in fifths (1.0 in the last): how often each group came true."""
    bins = []
    for i, (low, high) in enumerate(itertools.pairwise(RELIABILITY_EDGES)):
        last = i == len(RELIABILITY_EDGES) - 2
        inside = [
            f for f in forecasts if low <= f.confidence < high or (last and f.confidence == high)
        ]
        n = len(inside)
        bins.append(
            plots.Bin(
                low,
                high,
                n,
                sum(f.confidence for f in inside) / n if n else None,
                sum(f.outcome for f in inside) / n if n else None,
            )
        )
    return bins


# -- the page --------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gateway.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fig=fig, band_of=band_of, kind_names=KIND_NAMES)
    env.filters["day"] = lambda iso: datetime.fromisoformat(iso).strftime("%-d %b %Y")
    return env


def charts(figures: RetroFigures, data: dict[str, Any]) -> dict[str, Any]:
    """Every chart of the page, drawn from the figures it shows."""
    r = data["retrospective"]
    cards = [("All teams", r["organisation"], True)] + [
        (c["team"]["name"], c, False) for c in r["teams"]
    ]
    compared = r["comparedWith"]["name"] if r["comparedWith"] else None
    bands = {
        name: bars.stacked_bars(
            f"{name}-bands",
            [bars.StackRow(label, card[field], strong) for label, card, strong in cards],
            svg.GRADE_KINDS,
            label=f"{title} per grade band, per team",
            layout=bars.HALF,
        )
        for name, field, title in (
            ("objective", "objectiveGrades", "Objectives"),
            ("key-result", "keyResultGrades", "Key results"),
        )
    }
    return {
        "average": bars.value_bars(
            "average-grade",
            [
                bars.ValueRow(label, card["averageGrade"], card["comparedAverageGrade"], strong)
                for label, card, strong in cards
            ],
            zones=True,
            empty="no key results",
            label="Average objective grade per team"
            + (f", with {compared} as hollow diamonds" if compared else ""),
        ),
        "bands": bands,
        "trends": [
            plots.trend(
                f"trend-{i}",
                [
                    plots.TrendPoint(date.fromisoformat(p["at"]), p["score"], p["confidence"])
                    for p in t["points"]
                ],
                label=f"Weekly score of {t['team']['name']}",
            )
            for i, t in enumerate(data["scoreTrends"])
        ],
        "bets": bars.stacked_bars(
            "bets",
            [
                bars.StackRow(label, {k.key: card["bets"][k.key] for k in BET_KINDS}, strong)
                for label, card, strong in cards
            ],
            BET_KINDS,
            label="Bets per outcome, per team",
        ),
        "brier": bars.value_bars(
            "brier",
            [
                bars.ValueRow(label, card["calibration"]["brierScore"], None, strong)
                for label, card, strong in cards
            ],
            digits=3,
            reference=(0.25, "0.25: always 50 %"),
            empty="not scored yet"
            if figures.cycle["status"] != CycleStatus.CLOSED
            else "no confidences",
            label="Brier score per team (lower is better)",
            layout=bars.HALF,
        ),
        "reliability": plots.reliability(
            "reliability",
            reliability_bins(figures.forecasts),
            label="Reliability: stated confidence against how often it came true",
        ),
        "keys": {
            "grades": [(k, svg.kind_key("key-grade", k)) for k in svg.GRADE_KINDS],
            "bets": [(k, svg.kind_key("key-bet", k)) for k in BET_KINDS],
            "score": svg.line_key(dashed=False),
            "confidence": svg.line_key(dashed=True),
            "compared": svg.compared_key(),
        },
    }


def render(figures: RetroFigures, generated_at: datetime, position: int) -> str:
    data = as_json(figures)
    r = data["retrospective"]
    mine = {o["id"]: o for o in figures.objectives}
    objectives = [
        {
            "team": figures.team_name(o["team_id"]),
            "title": o["title"],
            "kind": o["kind"],
            "grade": retro.objective_grade(o),
            "key_results": len(o["key_results"]),
        }
        for o in figures.objectives
    ]
    carried = [
        {
            **c,
            "path": f"retrospective.organisation.carriedOver.{j}",
            "team": figures.team_name(mine[c["objective"]["id"]]["team_id"]),
            "from_cycle": figures.cycles.get(c["carriedOverFrom"]["cycleId"] or "", {}).get(
                "name", "—"
            ),
        }
        for j, c in enumerate(r["organisation"]["carriedOver"])
    ]
    findings = sorted(
        figures.findings or [],
        key=lambda f: (list(audit.KINDS).index(f.kind), figures.team_name(f.team_id)),
    )
    drawn = charts(figures, data)
    page = _environment().get_template("retro.html")
    return page.render(
        r=r,
        cards=[("retrospective.organisation", "All teams", r["organisation"], True)]
        + [
            (f"retrospective.teams.{i}", c["team"]["name"], c, False)
            for i, c in enumerate(r["teams"])
        ],
        cycle=figures.cycle,
        compared=figures.compared,
        organisation=figures.organisation_name,
        objectives=objectives,
        carried=carried,
        findings=[
            {
                "severity": f.severity,
                "kind": f.kind,
                "team": figures.team_name(f.team_id),
                "message": f.message,
            }
            for f in findings
        ],
        kinds=list(audit.KINDS),
        severity=audit.SEVERITY,
        trends=list(zip(data["scoreTrends"], drawn["trends"], strict=True)),
        charts=drawn,
        highlights=highlights(r, fig, closed=figures.cycle["status"] == CycleStatus.CLOSED),
        figures_json=embedded(data),
        generated_at=generated_at,
        position=position,
    )
