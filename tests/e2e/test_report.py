"""``okra report retro``: the page shows the numbers the API answers, its charts render
in a real browser (on screen and in print), and users' text stays text."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import anyio
import pytest
from PIL import Image

from domain.application import commands as c
from gateway.backend import make_app, make_lease
from gateway.demo import DemoClock, seed
from gateway.settings import Settings
from tests.support import chromium
from tests.support.api import Api, running
from tests.support.processes import OKRA, okra, store_args

CARD = """
    team { id name }
    objectiveCount keyResultCount averageGrade comparedAverageGrade averageGradeDelta
    objectiveGrades { red yellow green } keyResultGrades { red yellow green }
    committedHit committedMissed aspirationalAverage aspirationalVsExpected
    bets { placed validated invalidated withdrawn open stakeSpent { unit amount }
           realisedImpactByUnit { unit amount } realisedProgress }
    calibration { brierScore forecasts keyResults }
    carriedOver { cycles objective { id title } carriedOverFrom { id title cycleId } }
    carriedForward
    findings { kind severity count }
"""
RETRO = f"""query($cycle: ID!, $with: ID) {{
  retrospective(cycleId: $cycle, compareWithCycleId: $with) {{
    cycle {{ id name }} comparedWith {{ id name }}
    organisation {{ {CARD} }}
    teams {{ {CARD} }}
  }}
}}"""
TREND = """query($team: ID!, $cycle: ID!) {
  scoreTrend(teamId: $team, cycleId: $cycle) {
    team { id name } bucket startsOn endsOn points { at score confidence }
  }
}"""


# -- reading the page ------------------------------------------------------------------


class Page(HTMLParser):
    """The figures a page shows (``data-figure`` elements and their text), its
    scripts, and the points each trend chart plots."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.shown: list[tuple[str, Any, str]] = []  # (path, data-value, visible text)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.points: dict[str, list[tuple[str, float]]] = {}  # chart -> (at, score)
        self._figure: tuple[str, Any] | None = None
        self._script: dict[str, str | None] | None = None
        self._chart: str | None = None
        self._text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "span" and "data-figure" in found:
            self._figure = (str(found["data-figure"]), json.loads(str(found["data-value"])))
            self._text = []
        elif tag == "script":
            self._script = found
            self._text = []
        elif tag == "svg" and "data-chart" in found:
            self._chart = str(found["data-chart"])
            self.points.setdefault(self._chart, [])
        elif tag == "circle" and "data-score" in found and self._chart is not None:
            self.points[self._chart].append(
                (str(found["data-at"]), float(str(found["data-score"])))
            )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._figure is not None:
            self.shown.append((*self._figure, "".join(self._text).strip()))
            self._figure = None
        elif tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None
        elif tag == "svg":
            self._chart = None

    def handle_data(self, data: str) -> None:
        if self._figure is not None or self._script is not None:
            self._text.append(data)

    def figures(self) -> dict[str, Any]:
        embedded = [text for attrs, text in self.scripts if attrs.get("id") == "okra-figures"]
        assert len(embedded) == 1
        result: dict[str, Any] = json.loads(embedded[0])
        return result


def at(data: Any, path: str) -> Any:
    for step in path.split("."):
        data = data[int(step)] if isinstance(data, list) else data[step]
    return data


def numbers(data: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every numeric leaf, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from numbers(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from numbers(value, f"{path}.{i}")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, data


def reads_as(text: str, value: float | None) -> bool:
    """Whether the visible text is the value, rounded to the digits it shows."""
    if value is None:
        return text == "—"
    plain = text.replace("−", "-").replace("+", "").replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", plain):
        return False
    digits = len(plain.split(".")[1]) if "." in plain else 0
    return abs(float(plain) - value) <= 0.5 * 10**-digits + 1e-9


def check_shown(page: Page, figures: dict[str, Any]) -> None:
    """Each number shown is the embedded one, and each embedded number is shown."""
    assert page.shown, "the page tags no figures"
    for path, value, text in page.shown:
        assert at(figures, path) == value, path
        assert reads_as(text, value), (path, value, text)
    tagged = {path for path, _, _ in page.shown}
    # A team's carry-overs are listed once, in the organisation's list (which holds them all).
    wanted = {
        path
        for path, _ in numbers(figures["retrospective"], "retrospective")
        if not re.match(r"retrospective\.teams\.\d+\.carriedOver\.", path)
    }
    assert wanted - tagged == set()


# -- making pages ----------------------------------------------------------------------


def report(settings: Settings, out: Path, *args: str) -> str:
    okra("report", "retro", *args, "--out", str(out), *store_args(settings))
    return out.read_text(encoding="utf-8")


async def report_async(settings: Settings, out: Path, *args: str) -> str:
    """The command in a worker thread: the app under test keeps serving meanwhile."""
    return await anyio.to_thread.run_sync(lambda: report(settings, out, *args))


def attempt(
    settings: Settings, out: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """The command, allowed to fail; its messages one per line."""
    return subprocess.run(
        [OKRA, "report", "retro", *args, "--out", str(out), *store_args(settings)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300", **env},
    )


@pytest.fixture
def demo(settings: Settings) -> Settings:
    """The demo organisation, seeded into an empty store; no views built yet."""
    clock = DemoClock()
    app = make_app(settings, clock)
    try:
        seed(app, clock)
    finally:
        app.close()
    return settings


async def cycle_ids(api: Api) -> dict[str, str]:
    nodes = (await api.data("{ cycles { nodes { id name } } }"))["cycles"]["nodes"]
    return {c["name"]: c["id"] for c in nodes}


async def check_against_api(api: Api, html: str, cycle: str, compared: str | None) -> None:
    page = Page(html)
    figures = page.figures()
    expected = (await api.data(RETRO, cycle=cycle, **{"with": compared}))["retrospective"]
    assert figures["retrospective"] == expected
    assert [t["team"]["id"] for t in figures["scoreTrends"]] == [
        card["team"]["id"] for card in expected["teams"]
    ]
    for i, trend in enumerate(figures["scoreTrends"]):
        answer = (await api.data(TREND, team=trend["team"]["id"], cycle=cycle))["scoreTrend"]
        assert trend == answer
        plotted = [(p["at"], p["score"]) for p in answer["points"] if p["score"] is not None]
        assert page.points[f"trend-{i}"] == plotted
    check_shown(page, figures)


# -- (1) the numbers -------------------------------------------------------------------


async def test_the_page_shows_what_the_retrospective_query_answers(
    demo: Settings, tmp_path: Path
) -> None:
    # Run before anything built the views: the command projects the log itself.
    q3 = await report_async(
        demo, tmp_path / "q3.html", "--cycle", "2026-Q3", "--compare", "2026-Q2"
    )
    async with running(demo) as api:
        ids = await cycle_ids(api)
        await check_against_api(api, q3, ids["2026-Q3"], ids["2026-Q2"])
        assert "compared with 2026-Q2" in q3

        # While a gateway holds the projector's lease; compared by default with Q1.
        q2 = await report_async(demo, tmp_path / "q2.html", "--cycle", "2026-q2")
        figures = Page(q2).figures()["retrospective"]
        assert figures["comparedWith"]["name"] == "2026-Q1"
        assert figures["organisation"]["carriedOver"], "the demo carries Q1's grocery objective"
        await check_against_api(api, q2, ids["2026-Q2"], None)

        # An open cycle, by id: no calibration, no audit summary yet.
        q4 = await report_async(demo, tmp_path / "q4.html", "--cycle", ids["2026-Q4"])
        figures = Page(q4).figures()["retrospective"]
        assert figures["organisation"]["findings"] is None
        assert figures["organisation"]["calibration"]["brierScore"] is None
        await check_against_api(api, q4, ids["2026-Q4"], None)


async def test_unknown_or_identical_cycles_are_refused(settings: Settings, tmp_path: Path) -> None:
    async with running(settings) as api:
        await api.year("2026")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return attempt(settings, tmp_path / "x.html", *args)

    unknown = run("--cycle", "2031-Q9")
    assert unknown.returncode == 2, unknown
    assert "--cycle: no cycle is named or has the id '2031-Q9' (cycles: 2026)" in unknown.stderr
    same = run("--cycle", "2026", "--compare", "2026")
    assert same.returncode == 2, same
    assert "--compare: must be another cycle than --cycle" in same.stderr
    assert not (tmp_path / "x.html").exists()


async def test_views_that_cannot_catch_up_are_refused(settings: Settings, tmp_path: Path) -> None:
    app = make_app(settings)
    try:
        app.handle(c.CreateTeam(name="Acme"), "tests")
    finally:
        app.close()
    # Another projector holds the lease and projects nothing: the views stay behind.
    lease = make_lease(settings)
    assert await lease.try_acquire()
    try:
        refused = await anyio.to_thread.run_sync(
            lambda: attempt(
                settings,
                tmp_path / "x.html",
                "--cycle",
                "2026",
                OKRA_STARTUP_TIMEOUT="1",
                OKRA_READ_YOUR_WRITES_TIMEOUT="1",
            )
        )
    finally:
        await lease.release()
    assert refused.returncode == 1, refused
    assert re.search(r"Not reported: the views stand at log position 0 of [1-9]", refused.stderr)
    assert not (tmp_path / "x.html").exists()


# -- (2) the charts, in a browser ------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[chromium.Browser]:
    with chromium.browser() as found:
        yield found


MEASURE = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {
  const box = s.getBoundingClientRect();
  const drawn = [...s.querySelectorAll('.mark, .point')].filter(m => {
    const b = m.getBBox(); return b.width > 0 || b.height > 0; });
  const inked = drawn.filter(m => !m.matches('[data-series=confidence]'))
    .map(m => m.getBoundingClientRect());
  const left = Math.min(...inked.map(b => b.left)), top = Math.min(...inked.map(b => b.top));
  const right = Math.max(...inked.map(b => b.right));
  const bottom = Math.max(...inked.map(b => b.bottom));
  const union = inked.length ? {x: left + scrollX, y: top + scrollY,
    width: right - left || 1, height: bottom - top || 1} : null;
  return {chart: s.dataset.chart, x: box.left + scrollX, y: box.top + scrollY,
          width: box.width, height: box.height, marks: drawn.length, union,
          points: drawn.filter(m => m.matches('circle.point')).length};
}))"""


def shares(png: bytes) -> tuple[float, float, int]:
    """Of a picture's pixels: the share that is not pale (bars, lines, text: not the
    white page, the pale bands or the grid), the share in the charts' blue ink, and
    how many shades of grey it has."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = picture.width * picture.height
    grey = picture.convert("L").histogram()
    blue = sum(
        n for n, (r, g, b) in picture.getcolors(pixels) or [] if b > r + 50 and r + g + b < 400
    )
    return sum(grey[:200]) / pixels, blue / pixels, sum(1 for n in grey if n)


def expected_marks(figures: dict[str, Any]) -> dict[str, int]:
    """How many bars, segments or points each chart must draw, from its figures."""
    r = figures["retrospective"]
    cards = [r["organisation"], *r["teams"]]
    outcomes = ("validated", "invalidated", "withdrawn", "open")
    marks = {
        "average-grade": sum(c["averageGrade"] is not None for c in cards),
        "objective-bands": sum(bool(n) for c in cards for n in c["objectiveGrades"].values()),
        "key-result-bands": sum(bool(n) for c in cards for n in c["keyResultGrades"].values()),
        "bets": sum(bool(c["bets"][k]) for c in cards for k in outcomes),
        "brier": sum(c["calibration"]["brierScore"] is not None for c in cards),
    }
    for i, trend in enumerate(figures["scoreTrends"]):
        marks[f"trend-{i}"] = sum(p["score"] is not None for p in trend["points"])
    return marks


async def test_the_charts_render_in_headless_chromium(
    browser: chromium.Browser, demo: Settings, tmp_path: Path
) -> None:
    for name, closed in (("2026-Q3", True), ("2026-Q4", False)):
        out = tmp_path / f"{name}.html"
        await report_async(demo, out, "--cycle", name)
        page = browser.page(width=1100)
        page.open(out.as_uri())
        figures = page.evaluate("JSON.parse(document.getElementById('okra-figures').textContent)")
        wanted = expected_marks(figures)
        charts = {c["chart"]: c for c in json.loads(page.evaluate(MEASURE))}
        assert set(charts) == {*wanted, "reliability"}
        for chart, box in charts.items():
            assert box["width"] > 300 and box["height"] > 150, box
            if chart.startswith("trend-"):
                assert box["points"] == wanted[chart] > 0, box
            elif chart == "reliability":
                assert (box["marks"] > 0) is closed, box
            else:
                assert box["marks"] >= wanted[chart], box
                assert wanted[chart] > 0 or not closed, box
            clip = {k: box[k] for k in ("x", "y", "width", "height")}
            dark, _, greys = shares(page.screenshot(clip))
            assert dark > 0.01 and greys > 20, (chart, "the chart looks blank", dark, greys)
            if box["union"] is not None:  # where its bars, segments, lines or dots are
                dark, blue, _ = shares(page.screenshot(box["union"]))
                if chart.startswith("trend-") or chart == "reliability":
                    assert blue > 0.01, (chart, "no line or dots drawn", blue)
                else:
                    # Open bets are drawn hatched, lighter than solid bars: an open
                    # quarter's bets chart is mostly hatching (about 0.095 in the demo).
                    least = 0.05 if chart == "bets" and not closed else 0.1
                    assert dark > least, (chart, "no bars drawn", dark)
        # Self-contained: the only request is the page; the only script is data.
        requests = [
            e["params"]["request"]["url"]
            for e in page.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        assert requests == [out.as_uri()]
        assert page.evaluate("[...document.scripts].map(s => s.type)") == ["application/json"]

        # On paper: each section starts a page, the charts keep their size.
        page.call("Emulation.setEmulatedMedia", media="print")
        sections = "[...document.querySelectorAll('main > section')]"
        breaks = page.evaluate(f"{sections}.map(s => getComputedStyle(s).breakBefore)")
        assert breaks == ["auto"] + ["page"] * 6
        printed = {c["chart"]: c for c in json.loads(page.evaluate(MEASURE))}
        assert all(c["width"] > 300 and c["height"] > 150 for c in printed.values()), printed
        pdf = page.print_to_pdf()
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 7


# -- (3) users' text stays text --------------------------------------------------------

YEAR = date.today().year - 1  # every day of it is past
ROOT = 'Acme <Robotics> & "Co"'
TEAM = '<script>alert("team")</script>'
TITLE = "</script><img src=x onerror=alert(1)> & <b>bold</b>"


async def hostile(api: Api) -> None:
    """Names and titles that are markup, through a carry-over and an audit finding."""
    year = await api.cycle(str(YEAR), f"{YEAR}-01-01", f"{YEAR}-12-31")
    q1 = await api.cycle(f"{YEAR}-Q1", f"{YEAR}-01-01", f"{YEAR}-03-31", year)
    q2 = await api.cycle(f"{YEAR}-Q2", f"{YEAR}-04-01", f"{YEAR}-06-30", year)
    team = await api.team(TEAM, await api.team(ROOT))
    objective = (await api.objective(q1, team, TITLE, kind="ASPIRATIONAL"))["id"]
    kr = (await api.key_result(objective, TITLE, startValue=0, targetValue=10))["id"]
    await api.check_in(kr, value=4, confidence=0.6, asOf=f"{YEAR}-03-20")
    await api.mutate("closeCycle", "id", id=q1)
    carried = await api.mutate(
        "carryOverObjective", "keyResults { id }", id=objective, toCycleId=q2
    )
    await api.check_in(
        carried["keyResults"][0]["id"], value=6, confidence=0.5, asOf=f"{YEAR}-06-20"
    )
    await api.mutate("closeCycle", "id", id=q2)


@pytest.fixture
async def hostile_page(settings: Settings, tmp_path: Path) -> AsyncIterator[Path]:
    async with running(settings) as api:
        await hostile(api)
    out = tmp_path / "hostile.html"
    report(settings, out, "--cycle", f"{YEAR}-Q2")
    yield out


def test_titles_and_names_are_escaped(hostile_page: Path) -> None:
    html = hostile_page.read_text(encoding="utf-8")
    for raw in (TEAM, TITLE, ROOT, "<img", "<b>", "alert(1)>"):
        assert raw not in html, raw
    assert html.count("<script") == 1
    assert '<script type="application/json" id="okra-figures">' in html
    assert "&lt;script&gt;alert(&#34;team&#34;)&lt;/script&gt;" in html
    page = Page(html)
    figures = page.figures()["retrospective"]
    assert figures["teams"][0]["team"]["name"] == TEAM
    assert figures["organisation"]["carriedOver"][0]["objective"]["title"] == TITLE
    assert figures["organisation"]["findings"] and any(
        f["count"] for f in figures["organisation"]["findings"]
    )


def test_titles_and_names_stay_text_in_chromium(
    browser: chromium.Browser, hostile_page: Path
) -> None:
    page = browser.page()
    page.open(hostile_page.as_uri())
    assert page.evaluate("[...document.scripts].map(s => s.type)") == ["application/json"]
    assert page.evaluate("document.querySelectorAll('img, b, main script').length") == 0
    shown = page.evaluate("document.body.innerText")
    assert TEAM in shown and TITLE in shown and ROOT in shown
    assert shown.count(TITLE) >= 3  # the objective, the carry-over, the audit's message
    labels = page.evaluate("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
    assert any(label.startswith(TEAM[:12]) for label in labels)
    assert page.evaluate("document.title").startswith(ROOT)
    assert not [e for e in page.events if e.get("method") == "Page.javascriptDialogOpening"]
