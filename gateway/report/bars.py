"""Bar charts, one row per team: counts stacked by kind, or a value on the 0–1 scale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from gateway.report.svg import (
    GRID,
    INK,
    MUTED,
    TEXT,
    ZONES,
    Kind,
    axis_label,
    diamond,
    el,
    filled,
    halo,
    patterns,
    svg,
    text,
)


@dataclass(frozen=True)
class Layout:
    """A chart's width and the room its row names take (half a page or all of it)."""

    width: float = 720
    labels: float = 190
    name_limit: int = 26


HALF = Layout(480, 128, 17)


@dataclass(frozen=True)
class StackRow:
    label: str
    values: dict[str, int]
    strong: bool = False  # the organisation's row


def stacked_bars(
    chart: str,
    rows: Sequence[StackRow],
    kinds: Sequence[Kind],
    *,
    label: str,
    layout: Layout = Layout(),
) -> Markup:
    """Counts per kind; bars share one scale, so a longer bar is more of them."""
    x0, right = layout.labels + 10, 40.0
    bar_w = layout.width - x0 - right
    row_h, gap, top = 22.0, 10.0, 4.0
    height = top + len(rows) * (row_h + gap)
    most = max((sum(r.values.values()) for r in rows), default=0) or 1
    parts = [patterns(chart, kinds)]
    for i, row in enumerate(rows):
        y = top + i * (row_h + gap)
        baseline = y + row_h * 0.7
        parts.append(axis_label(layout.labels, baseline, row.label, row.strong, layout.name_limit))
        x, total = x0, 0
        for kind in kinds:
            count = row.values.get(kind.key, 0)
            if not count:
                continue
            w = count / most * bar_w
            parts.append(
                el(
                    "rect",
                    el("title", f"{row.label}: {count} {kind.label}"),
                    x=x,
                    y=y,
                    width=max(w - 1, 0.5),
                    height=row_h,
                    fill=filled(chart, kind),
                    stroke=kind.fill,
                    class_="mark",
                    data_kind=kind.key,
                    data_count=count,
                )
            )
            if w >= 18:
                behind = "#ffffff" if kind.pattern == "outline" else kind.fill
                parts.append(
                    halo(
                        x + w / 2,
                        baseline,
                        str(count),
                        12,
                        behind,
                        fill=kind.ink,
                        text_anchor="middle",
                        font_weight="bold",
                    )
                )
            x += w
            total += count
        parts.append(text(x + 6, baseline, str(total) if total else "none", 12, fill=MUTED))
    return svg(chart, layout.width, height, *parts, label=label)


@dataclass(frozen=True)
class ValueRow:
    label: str
    value: float | None
    compared: float | None = None  # shown as a hollow diamond
    strong: bool = False


def value_bars(
    chart: str,
    rows: Sequence[ValueRow],
    *,
    label: str,
    zones: bool = False,
    digits: int = 2,
    reference: tuple[float, str] | None = None,
    layout: Layout = Layout(),
    empty: str = "no value",
) -> Markup:
    """Values on the 0–1 scale, written at the right; ``zones`` shades the grade bands,
    ``reference`` draws a dashed line with its caption; ``empty`` stands in for None."""
    x0, right = layout.labels + 10, 58.0
    plot_w = layout.width - x0 - right
    row_h, gap, top = 16.0, 12.0, 24.0
    rows_h = len(rows) * (row_h + gap)
    height = top + rows_h + 22

    def at(value: float) -> float:
        return x0 + max(0.0, min(1.0, value)) * plot_w

    parts: list[Markup] = []
    if zones:
        for z in ZONES:
            parts.append(
                el(
                    "rect",
                    x=at(z.low),
                    y=top - 6,
                    width=at(z.high) - at(z.low),
                    height=rows_h + 2,
                    fill=z.fill,
                )
            )
            parts.append(
                text(
                    (at(z.low) + at(z.high)) / 2,
                    top - 11,
                    z.name,
                    11,
                    fill=z.ink,
                    text_anchor="middle",
                    font_weight="bold",
                    letter_spacing=1,
                )
            )
    for tick in range(6):
        v = tick / 5
        parts.append(el("line", x1=at(v), x2=at(v), y1=top - 6, y2=top + rows_h - 4, stroke=GRID))
        parts.append(
            text(at(v), top + rows_h + 11, f"{v:.1f}", 11, fill=MUTED, text_anchor="middle")
        )
    if reference is not None:
        value, caption = reference
        parts.append(
            el(
                "line",
                x1=at(value),
                x2=at(value),
                y1=top - 8,
                y2=top + rows_h - 4,
                stroke=TEXT,
                stroke_width=1.2,
                stroke_dasharray="4 3",
            )
        )
        parts.append(text(at(value) + 5, top - 11, caption, 11))
    for i, row in enumerate(rows):
        y = top + i * (row_h + gap)
        baseline = y + row_h * 0.8
        parts.append(axis_label(layout.labels, baseline, row.label, row.strong, layout.name_limit))
        if row.value is None:
            parts.append(text(x0 + 4, baseline, empty, 12, fill=MUTED))
        else:
            shown = f"{row.value:.{digits}f}"
            parts.append(
                el(
                    "rect",
                    el("title", f"{row.label}: {shown}"),
                    x=x0,
                    y=y,
                    width=max(at(row.value) - x0, 1.5),
                    height=row_h,
                    fill=INK,
                    rx=2,
                    class_="mark",
                    data_value=repr(row.value),
                )
            )
            parts.append(text(layout.width - right + 8, baseline, shown, 13, font_weight="bold"))
        if row.compared is not None:
            parts.append(diamond(at(row.compared), y + row_h / 2))
    return svg(chart, layout.width, height, *parts, label=label)
