"""Notices as e-mails: a plain-text body and an HTML one for each notice.

The digest's HTML carries the team's score over the weeks as the same inline SVG
chart as the retrospective report (:func:`gateway.report.plots.trend`): no images to
fetch, no scripts, readable printed in grey.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from domain.model.notice import NoticeKind
from gateway.report import plots

STYLE = "font-family: system-ui, sans-serif; color: #1d2733; max-width: 40em; line-height: 1.45"


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _change(value: float | None) -> str:
    return "" if value is None else f" ({value:+.2f} this week)"


def render(notice: dict[str, Any]) -> Mail:
    """The e-mail of a notice, from its event's fields (``kind``, ``summary``, …)."""
    kind = NoticeKind(notice["kind"])
    if kind == NoticeKind.DIGEST:
        return _digest(notice)
    if kind == NoticeKind.DATA_SOURCE_BROKEN:
        return _broken(notice)
    what = "Check-in due" if kind == NoticeKind.CHECK_IN_DUE else "Silent key result"
    subject = f"[OKRA] {what}: {notice['title']}"
    lines = [
        notice["summary"],
        "",
        f"Latest check-in or start: {notice['since']} ({notice['silent_days']} days ago).",
        f"Team cadence: {notice['cadence_days']} days.",
        f'Record where it stands with recordCheckIn (keyResultId: "{notice["key_result_id"]}").',
    ]
    html = Markup(
        f'<div style="{STYLE}"><p><strong>{escape(what)}</strong></p>'
        f"<p>{escape(notice['summary'])}</p>"
        f"<p>Latest check-in or start: {escape(notice['since'])} "
        f"({notice['silent_days']} days ago); the team's cadence: "
        f"{notice['cadence_days']} days.</p></div>"
    )
    return Mail(subject, "\n".join(lines) + "\n", str(html))


def _broken(notice: dict[str, Any]) -> Mail:
    """A broken data source, to its key result's owner: what failed since when, and
    what to do (fix the source, or check in by hand meanwhile)."""
    subject = f"[OKRA] Data source broken: {notice['title']}"
    since = f"Failing since {notice['failing_since'][:16].replace('T', ' ')} UTC."
    advice = (
        "Fix the source (updateDataSource) or check in by hand meanwhile; "
        f'the source is tried again on its schedule (id "{notice["source_id"]}").'
    )
    text = [notice["summary"], "", since, advice]
    html = Markup(
        f'<div style="{STYLE}"><p><strong>Data source broken</strong></p>'
        f"<p>{escape(notice['summary'])}</p><p>{escape(since)} {escape(advice)}</p></div>"
    )
    return Mail(subject, "\n".join(text) + "\n", str(html))


def _digest(notice: dict[str, Any]) -> Mail:
    d = notice["digest"]
    subject = f"[OKRA] {d['team']['name']}: the week to {d['week']['to']}"
    text = [notice["summary"], ""]
    html = [f'<div style="{STYLE}"><h2>{escape(d["team"]["name"])}</h2>']
    html.append(f"<p>The week from {escape(d['week']['from'])} to {escape(d['week']['to'])}.</p>")
    if d["trend"]:
        points = [
            plots.TrendPoint(date.fromisoformat(p["on"]), p["score"], p["confidence"])
            for p in d["trend"]
        ]
        html.append(str(plots.trend("digest", points, label=f"{d['team']['name']}'s score")))
    sections: list[tuple[str, list[str]]] = [
        (
            "Scores",
            [f"{o['title']}: {_score(o['score'])}{_change(o['change'])}" for o in d["objectives"]],
        ),
        ("At risk", [f["message"] for f in d["at_risk"]]),
        ("Stale", [f["message"] for f in d["stale"]]),
        ("Bets placed", [f"{b['title']} (stake {b['stake']:g})" for b in d["bets_placed"]]),
        ("Bets resolved", [f"{b['title']}: {b['outcome']}" for b in d["bets_resolved"]]),
        ("New audit findings", [f"{f['kind']}: {f['message']}" for f in d["new_findings"]]),
    ]
    for title, items in sections:
        text.append(f"{title}:")
        text.extend(f"- {item}" for item in items or ["none"])
        text.append("")
        html.append(f"<h3>{escape(title)}</h3><ul>")
        html.extend(f"<li>{escape(item)}</li>" for item in items or ["none"])
        html.append("</ul>")
    html.append("</div>")
    return Mail(subject, "\n".join(text), "".join(html))
