"""Plots on the 0–1 scale: a score over the weeks, and a reliability diagram."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import sqrt

from markupsafe import Markup

from gateway.report.svg import GRID, INK, MUTED, SECOND, ZONES, el, halo, svg, text


@dataclass(frozen=True)
class TrendPoint:
    at: date
    score: float | None
    confidence: float | None


def _segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[str]:
    """Path data for a line, broken where values are missing."""
    paths: list[str] = []
    current: list[str] = []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if current:
                paths.append(" ".join(current))
            current = []
        else:
            current.append(f"{'L' if current else 'M'}{x:.1f},{y:.1f}")
    if current:
        paths.append(" ".join(current))
    return paths


def trend(chart: str, points: Sequence[TrendPoint], *, label: str) -> Markup:
    """Score (solid, with a dot per point) and confidence (dashed) over the grade
    bands; the last score is written beside its point."""
    width, height = 340.0, 196.0
    left, right, top, bottom = 30.0, 50.0, 10.0, 28.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(v: float) -> float:
        return top + (1 - max(0.0, min(1.0, v))) * plot_h

    n = len(points)
    xs = [left + (i / (n - 1) if n > 1 else 0.5) * plot_w for i in range(n)]
    parts: list[Markup] = []
    for z in ZONES:
        parts.append(
            el(
                "rect",
                x=left,
                y=y_of(z.high),
                width=plot_w,
                height=y_of(z.low) - y_of(z.high),
                fill=z.fill,
            )
        )
        parts.append(
            text(
                left + plot_w + 5,
                (y_of(z.low) + y_of(z.high)) / 2 + 3,
                z.name,
                9,
                fill=z.ink,
                font_weight="bold",
            )
        )
    for v in (0.0, 0.4, 0.7, 1.0):
        parts.append(
            el(
                "line",
                x1=left,
                x2=left + plot_w,
                y1=y_of(v),
                y2=y_of(v),
                stroke="#ffffff",
                stroke_width=1.2,
            )
        )
        parts.append(text(left - 5, y_of(v) + 4, f"{v:g}", 10, fill=MUTED, text_anchor="end"))
    step = max(1, round(n / 5))
    for i, p in enumerate(points):
        if i % step == 0 or i == n - 1:
            parts.append(
                el("line", x1=xs[i], x2=xs[i], y1=top + plot_h, y2=top + plot_h + 4, stroke=MUTED)
            )
            if i == n - 1 or n - 1 - i >= step / 2:  # no label crowding the last one
                parts.append(
                    text(
                        xs[i],
                        height - 9,
                        f"{p.at:%b} {p.at.day}",
                        10,
                        fill=MUTED,
                        text_anchor="middle",
                    )
                )
    confidences = [None if p.confidence is None else y_of(p.confidence) for p in points]
    for d in _segments(xs, confidences):
        parts.append(
            el(
                "path",
                d=d,
                fill="none",
                stroke=SECOND,
                stroke_width=1.6,
                stroke_dasharray="5 3",
                class_="mark",
                data_series="confidence",
            )
        )
    scores = [None if p.score is None else y_of(p.score) for p in points]
    for d in _segments(xs, scores):
        parts.append(
            el(
                "path",
                d=d,
                fill="none",
                stroke=INK,
                stroke_width=2.6,
                stroke_linejoin="round",
                class_="mark",
                data_series="score",
            )
        )
    last = None
    for x, y, p in zip(xs, scores, points, strict=True):
        if y is not None and p.score is not None:
            title = el("title", f"week ending {p.at.isoformat()}: {p.score:.2f}")
            parts.append(
                el(
                    "circle",
                    title,
                    cx=x,
                    cy=y,
                    r=2.8,
                    fill=INK,
                    class_="point",
                    data_at=p.at.isoformat(),
                    data_score=repr(p.score),
                )
            )
            last = (x, y, p.score)
    if last is not None:
        x, y, score = last
        parts.append(
            halo(
                x - 2,
                y - 8 if y > top + 18 else y + 18,
                f"{score:.2f}",
                12,
                "#ffffff",
                text_anchor="end",
                font_weight="bold",
                fill=INK,
            )
        )
    if last is None:
        parts.append(
            text(
                left + plot_w / 2,
                top + plot_h / 2,
                "no check-ins",
                12,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    return svg(chart, width, height, *parts, label=label)


@dataclass(frozen=True)
class Bin:
    """Forecasts whose confidence fell in [low, high): their mean, and the share of
    them that came true."""

    low: float
    high: float
    forecasts: int
    mean_confidence: float | None
    observed: float | None


def reliability(chart: str, bins: Sequence[Bin], *, label: str) -> Markup:
    """Stated confidence against what happened: on the diagonal, confidence meant what
    it said; below it, over-confidence. A circle's area grows with its forecasts."""
    width, height = 380.0, 320.0
    left, top, size = 58.0, 12.0, 250.0

    def x_of(v: float) -> float:
        return left + v * size

    def y_of(v: float) -> float:
        return top + (1 - v) * size

    parts = [el("rect", x=left, y=top, width=size, height=size, fill="#f6f8fa", stroke=GRID)]
    for tick in range(6):
        v = tick / 5
        parts.append(el("line", x1=x_of(v), x2=x_of(v), y1=top, y2=top + size, stroke=GRID))
        parts.append(el("line", x1=left, x2=left + size, y1=y_of(v), y2=y_of(v), stroke=GRID))
        parts.append(
            text(x_of(v), top + size + 15, f"{v:.1f}", 10, fill=MUTED, text_anchor="middle")
        )
        parts.append(text(left - 6, y_of(v) + 4, f"{v:.1f}", 10, fill=MUTED, text_anchor="end"))
    parts.append(
        el(
            "line",
            x1=x_of(0),
            y1=y_of(0),
            x2=x_of(1),
            y2=y_of(1),
            stroke=MUTED,
            stroke_width=1.2,
            stroke_dasharray="5 4",
        )
    )
    cx, cy = x_of(0.6), y_of(0.6) - 7
    parts.append(
        text(
            cx,
            cy,
            "perfectly calibrated",
            10,
            fill=MUTED,
            text_anchor="middle",
            transform=f"rotate(-45 {cx:.1f} {cy:.1f})",
        )
    )
    parts.append(
        text(
            left + size / 2,
            top + size + 34,
            "Stated confidence (check-ins)",
            12,
            text_anchor="middle",
        )
    )
    my = top + size / 2
    parts.append(
        text(
            18,
            my,
            "Share that reached the expected grade",
            12,
            text_anchor="middle",
            transform=f"rotate(-90 18 {my:.1f})",
        )
    )
    shown = [(b, b.mean_confidence, b.observed) for b in bins if b.forecasts]
    placed = [(b, x_of(m), y_of(o)) for b, m, o in shown if m is not None and o is not None]
    if len(placed) > 1:
        d = " ".join(f"{'L' if i else 'M'}{x:.1f},{y:.1f}" for i, (_, x, y) in enumerate(placed))
        parts.append(el("path", d=d, fill="none", stroke=INK, stroke_width=2, class_="mark"))
    most = max((b.forecasts for b, _, _ in placed), default=1)
    for b, x, y in placed:
        r = 4 + 8 * sqrt(b.forecasts / most)
        title = el(
            "title",
            f"confidence {b.low:.1f}–{b.high:.1f}: {b.forecasts} check-ins, "
            f"{b.observed or 0:.0%} came true",
        )
        parts.append(
            el(
                "circle",
                title,
                cx=x,
                cy=y,
                r=r,
                fill=INK,
                fill_opacity=0.8,
                stroke="#ffffff",
                stroke_width=1.5,
                class_="mark point",
                data_forecasts=b.forecasts,
            )
        )
        parts.append(halo(x + r + 3, y - r + 2, f"n={b.forecasts}", 10, "#f6f8fa"))
    if not placed:
        parts.append(
            halo(
                left + size / 2,
                y_of(0.2),
                "no confidences to score yet",
                12,
                "#f6f8fa",
                fill=MUTED,
                text_anchor="middle",
            )
        )
    return svg(chart, width, height, *parts, label=label)
