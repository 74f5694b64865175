"""SVG primitives for charts on pages that must work without scripts.

Each helper returns :class:`markupsafe.Markup`, every label and attribute escaped.
Charts never rely on colour alone: bands and outcomes also differ by pattern
(hatched, dotted, solid, outlined) and carry their numbers as text, and each page
shows a key beside them, so a page printed in grey still reads. Sizes are user
units; the page's stylesheet scales each chart to its column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

TEXT = "#1d2733"
MUTED = "#5b6675"
GRID = "#d9dee4"
INK = "#1f4e79"  # the measured value
SECOND = "#6b7785"  # a second series (confidence)


@dataclass(frozen=True)
class Kind:
    """One kind of segment: how it is named, filled and patterned."""

    key: str
    label: str
    fill: str
    pattern: str = "solid"  # solid, hatch, dots or outline
    ink: str = "#ffffff"  # the colour of a number written on it


GRADE_KINDS = (
    Kind("red", "RED 0.0–0.3", "#c8443f", "hatch"),
    Kind("yellow", "YELLOW 0.4–0.6", "#e9b33c", "dots", TEXT),
    Kind("green", "GREEN 0.7–1.0", "#2f8f5f"),
)


@dataclass(frozen=True)
class Zone:
    """A band of the 0–1 grade scale, as a pale background."""

    low: float
    high: float
    fill: str
    ink: str
    name: str


ZONES = (
    Zone(0.0, 0.4, "#f7dedc", "#9c2f2b", "RED"),
    Zone(0.4, 0.7, "#fbefcf", "#7d5a07", "YELLOW"),
    Zone(0.7, 1.0, "#d9efe2", "#1f6b45", "GREEN"),
)


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def el(tag: str, *content: str | Markup, **attrs: object) -> Markup:
    """One element. Plain strings in ``content`` are escaped, Markup is kept; an
    attribute ``class_`` is ``class``, ``data_x`` is ``data-x``; None leaves it out."""
    names = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(_value(value))}"'
        for name, value in attrs.items()
        if value is not None
    )
    inner = "".join(str(escape(c)) for c in content)
    return Markup(f"<{tag}{names}>{inner}</{tag}>" if inner else f"<{tag}{names}/>")


def text(x: float, y: float, label: str, size: float = 12, **attrs: object) -> Markup:
    attrs.setdefault("fill", TEXT)
    return el("text", label, x=x, y=y, font_size=size, **attrs)


def halo(x: float, y: float, label: str, size: float, behind: str, **attrs: object) -> Markup:
    """Text outlined in the colour behind it, so it stays legible on patterns and lines."""
    return text(x, y, label, size, stroke=behind, stroke_width=3, paint_order="stroke", **attrs)


def svg(chart: str, width: float, height: float, *content: Markup, label: str) -> Markup:
    """The outer element: ``data-chart`` names the chart, ``aria-label`` says what it
    shows (the numbers themselves are in the tables beside it)."""
    return el(
        "svg",
        *content,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width:g} {height:g}",
        width=width,
        height=height,
        class_="chart",
        role="img",
        data_chart=chart,
        aria_label=label,
    )


def patterns(prefix: str, kinds: Sequence[Kind]) -> Markup:
    """A ``<pattern>`` per kind, with its fill, named ``{prefix}-{key}``."""
    defs = []
    for kind in kinds:
        base = el(
            "rect", width=6, height=6, fill="#ffffff" if kind.pattern == "outline" else kind.fill
        )
        if kind.pattern == "hatch":
            mark = el(
                "path",
                d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5",
                stroke="#ffffff",
                stroke_width=1.6,
                opacity=0.7,
            )
        elif kind.pattern == "dots":
            mark = el("circle", cx=3, cy=3, r=1.3, fill=TEXT, opacity=0.45)
        elif kind.pattern == "outline":
            mark = el("path", d="M0,6 L6,0", stroke=kind.fill, stroke_width=1.2)
        else:
            mark = Markup()
        defs.append(
            el(
                "pattern",
                base,
                mark,
                id=f"{prefix}-{kind.key}",
                width=6,
                height=6,
                patternUnits="userSpaceOnUse",
            )
        )
    return el("defs", *defs)


def filled(prefix: str, kind: Kind) -> str:
    return f"url(#{prefix}-{kind.key})"


def axis_label(x: float, y: float, label: str, strong: bool = False, limit: int = 24) -> Markup:
    """A row's name, right-aligned at ``x``, shortened past ``limit`` characters (the
    tables beside the chart carry it in full)."""
    shown = label if len(label) <= limit else label[: limit - 1] + "…"
    return text(x, y, shown, 13, text_anchor="end", font_weight="bold" if strong else None)


def diamond(x: float, y: float, size: float = 6) -> Markup:
    """A hollow diamond: where the compared cycle stood."""
    corners = ((x, y - size - 1), (x + size, y), (x, y + size + 1), (x - size, y))
    d = "M" + " L".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners) + " Z"
    return el("path", d=d, fill="#ffffff", stroke=TEXT, stroke_width=1.8, class_="compared")


# -- keys: the samples a page's legend shows beside a chart ---------------------------


def _key(width: float, height: float, *content: Markup) -> Markup:
    return el(
        "svg",
        *content,
        width=width,
        height=height,
        viewBox=f"0 0 {width:g} {height:g}",
        class_="key",
        aria_hidden="true",
    )


def kind_key(prefix: str, kind: Kind) -> Markup:
    swatch = el("rect", x=1, y=1, width=12, height=12, fill=filled(prefix, kind), stroke=kind.fill)
    return _key(14, 14, patterns(prefix, [kind]), swatch)


def line_key(dashed: bool) -> Markup:
    line = el(
        "line",
        x1=1,
        x2=27,
        y1=6,
        y2=6,
        stroke=SECOND if dashed else INK,
        stroke_width=1.6 if dashed else 2.6,
        stroke_dasharray="5 3" if dashed else None,
    )
    return _key(28, 12, line, Markup() if dashed else el("circle", cx=14, cy=6, r=2.8, fill=INK))


def compared_key() -> Markup:
    return _key(16, 16, diamond(8, 8))
