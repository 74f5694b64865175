"""A cycle's OKRs as XLSX and CSV (``okra export cycle``, ``GET /export/cycles/…``):
every figure equals what the GraphQL API answers, on both stores; the workbook is
laid out for a person (formats, frozen header, widths); text stays text."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from openpyxl import load_workbook

from gateway.backend import make_app
from gateway.demo import DemoClock, seed
from gateway.settings import Settings
from tests.support.api import Api, running
from tests.support.processes import OKRA, okra, store_args

SHEETS = ("key-results", "check-ins", "bets")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBERS = {
    "Objective score", "Weight", "Start", "Target", "Current", "Score", "Grade", "Confidence",
    "Value", "Stake", "Odds", "Expected impact", "Expected value", "Realised impact",
}  # fmt: skip

CYCLE = """query($cycle: ID!) {
  teams(first: 100) { nodes { id name stakeUnit } }
  objectives(cycleId: $cycle, first: 20) { totalCount nodes {
    id title kind status score teamId
    keyResults {
      id title measure unit weight startValue targetValue currentValue milestonesDone
      milestones { title } score scoreBand finalGrade confidence asOf
      owner { name } contributors { name }
      bets { id title owner { name } status stake odds expectedImpact expectedValue
             actualImpact learning hypothesis createdAt resolvedAt teamId }
    }
  } }
}"""
CHECK_INS = """query($id: ID!) {
  keyResult(id: $id) { checkIns(first: 100) { totalCount nodes {
    id asOf value milestonesDone confidence note recordedAt recordedBy } } }
}"""


def moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None, microsecond=0)


def names(people: list[dict[str, Any]]) -> str | None:
    return ", ".join(p["name"] for p in people) or None


async def expected(api: Api, cycle_id: str) -> dict[str, list[dict[str, Any]]]:
    """What each sheet must hold, row by row, built from the GraphQL answer alone."""
    answer = await api.data(CYCLE, cycle=cycle_id)
    objectives = answer["objectives"]
    assert objectives["totalCount"] == len(objectives["nodes"])
    teams = {t["id"]: t for t in answer["teams"]["nodes"]}
    sheets: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    for o in objectives["nodes"]:
        team = teams[o["teamId"]]["name"]
        for kr in o["keyResults"]:
            milestones = kr["measure"] == "MILESTONES"
            sheets["key-results"].append({
                "Team": team, "Objective": o["title"], "Objective kind": o["kind"],
                "Objective status": o["status"], "Objective score": o["score"],
                "Key result": kr["title"],
                "Owner": kr["owner"]["name"] if kr["owner"] else None,
                "Contributors": names(kr["contributors"]),
                "Kind": kr["measure"], "Unit": kr["unit"] or None, "Weight": kr["weight"],
                "Start": 0 if milestones else kr["startValue"],
                "Target": len(kr["milestones"]) if milestones else kr["targetValue"],
                "Current": kr["milestonesDone"] if milestones else kr["currentValue"],
                "Score": kr["score"], "Band": kr["scoreBand"], "Grade": kr["finalGrade"],
                "Confidence": kr["confidence"],
                "Last check-in": date.fromisoformat(kr["asOf"]) if kr["asOf"] else None,
                "Key result id": kr["id"],
            })  # fmt: skip
            check_ins = (await api.data(CHECK_INS, id=kr["id"]))["keyResult"]["checkIns"]
            assert check_ins["totalCount"] == len(check_ins["nodes"])
            for ci in reversed(check_ins["nodes"]):  # the API's latest first; sheets' oldest
                sheets["check-ins"].append({
                    "Team": team, "Objective": o["title"], "Key result": kr["title"],
                    "As of": date.fromisoformat(ci["asOf"]),
                    "Value": ci["milestonesDone"] if milestones else ci["value"],
                    "Confidence": ci["confidence"], "Note": ci["note"] or None,
                    "Recorded at (UTC)": moment(ci["recordedAt"]),
                    "Recorded by": ci["recordedBy"],
                    "Key result id": kr["id"], "Check-in id": ci["id"],
                })  # fmt: skip
            for bet in kr["bets"]:
                sheets["bets"].append({
                    "Team": teams[bet["teamId"]]["name"], "Objective": o["title"],
                    "Key result": kr["title"], "Bet": bet["title"],
                    "Owner": bet["owner"]["name"] if bet["owner"] else None,
                    "Outcome": bet["status"], "Stake": bet["stake"],
                    "Stake unit": teams[bet["teamId"]]["stakeUnit"], "Odds": bet["odds"],
                    "Expected impact": bet["expectedImpact"],
                    "Expected value": bet["expectedValue"],
                    "Realised impact": bet["actualImpact"], "Learning": bet["learning"] or None,
                    "Hypothesis": bet["hypothesis"] or None,
                    "Placed at (UTC)": moment(bet["createdAt"]),
                    "Resolved at (UTC)": moment(bet["resolvedAt"]),
                    "Key result id": kr["id"], "Bet id": bet["id"],
                })  # fmt: skip
    return sheets


def same_cell(got: Any, want: Any) -> bool:
    """Numbers as a spreadsheet keeps them (15 significant digits, as Excel does)."""
    if isinstance(want, float | int) and not isinstance(want, bool):
        return isinstance(got, float | int) and got == pytest.approx(want, rel=1e-14, abs=1e-14)
    return bool(got == want)


def assert_rows(got: list[dict[str, Any]], want: list[dict[str, Any]], sheet: str) -> None:
    assert [list(row) for row in got[:1]] == [list(row) for row in want[:1]], sheet
    assert len(got) == len(want), sheet
    for number, (row, wanted) in enumerate(zip(got, want, strict=True), 2):
        wrong = {k: (row[k], v) for k, v in wanted.items() if not same_cell(row[k], v)}
        assert not wrong, f"{sheet}, row {number}: {wrong}"


# -- reading the files ------------------------------------------------------------------


def read_xlsx(data: bytes) -> dict[str, list[dict[str, Any]]]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == list(SHEETS)
    sheets = {}
    for name in SHEETS:
        page = book[name]
        rows = list(page.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        records = []
        for row in rows[1:]:
            record = dict(zip(header, row, strict=True))
            for title in header:  # date columns come back as midnight datetimes
                if title in ("Last check-in", "As of") and isinstance(record[title], datetime):
                    record[title] = record[title].date()
            records.append(record)
        sheets[name] = records
    return sheets


def read_csv(data: bytes) -> list[dict[str, Any]]:
    """The rows, each cell turned back into what it says (numbers, dates, text)."""
    assert data.startswith("\ufeff".encode()), "a BOM, so that Excel reads UTF-8"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [{k: typed(k, v) for k, v in row.items()} for row in rows]


def typed(title: str, text: str) -> Any:
    if text == "":
        return None
    if title in ("Last check-in", "As of"):
        return date.fromisoformat(text)
    if title.endswith("(UTC)"):
        return datetime.fromisoformat(text)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return float(text) if title in NUMBERS else text


# -- the demo, exported by the command --------------------------------------------------


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


async def export(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """``okra export cycle`` in a worker thread: the app under test keeps serving."""
    return await anyio.to_thread.run_sync(
        lambda: okra("export", "cycle", *args, *store_args(settings))
    )


async def test_the_command_exports_what_the_api_answers(demo: Settings, tmp_path: Path) -> None:
    # Before anything built the views: the command projects the log itself.
    q3 = tmp_path / "q3.xlsx"
    done = await export(demo, "--cycle", "2026-Q3", "--out", str(q3))
    assert f"Wrote 2026-Q3 to {q3}" in done.stderr
    async with running(demo) as api:
        cycles = (await api.data("{ cycles { nodes { id name } } }"))["cycles"]["nodes"]
        ids = {c["name"]: c["id"] for c in cycles}
        for name in ("2026-Q3", "2026-Q4"):  # closed and graded; open with bets placed
            want = await expected(api, ids[name])
            assert all(want[s] for s in SHEETS), f"the demo's {name} has rows in every sheet"
            xlsx = q3 if name == "2026-Q3" else tmp_path / "q4.xlsx"
            if name == "2026-Q4":  # by id, while the gateway holds the projector's lease
                await export(demo, "--cycle", ids[name], "--out", str(xlsx))
            got = read_xlsx(xlsx.read_bytes())
            for sheet in SHEETS:
                assert_rows(got[sheet], want[sheet], f"{name} {sheet}.xlsx")
                # The CSVs of every sheet, over HTTP (quicker than a process each).
                answer = await api.client.get(
                    f"/export/cycles/{name}.csv", params={"sheet": sheet},
                    headers=await api.headers(None, None),
                )  # fmt: skip
                assert answer.status_code == 200, answer.text
                assert_rows(read_csv(answer.content), want[sheet], f"{name} {sheet}.csv")
        out = tmp_path / "q4-bets.csv"
        await export(demo, "--cycle", "2026-q4", "--sheet", "bets", "--out", str(out))
        # CSV from --out's suffix.
        assert_rows(read_csv(out.read_bytes()), want["bets"], "2026-Q4 bets.csv (command)")
        graded = [r for r in read_xlsx(q3.read_bytes())["key-results"] if r["Grade"] is not None]
        assert graded, "a closed cycle's grades are exported"
        # To standard output, the CSV's default sheet: the key results.
        listed = await export(demo, "--cycle", "2026-Q4", "--format", "csv", "--out", "-")
        assert listed.stdout.splitlines()[0].lstrip("\ufeff").startswith("Team,Objective,")


async def test_over_http_for_a_signed_in_user(api: Api) -> None:
    team = await api.team("Platform", stakeUnit="engineer-days")
    year = await api.year("2026")
    hostile = '=HYPERLINK("http://evil.example","Click")'
    objective = await api.objective(year, team, title=hostile, kind="ASPIRATIONAL")
    latency = await api.key_result(
        objective["id"], title="+1 p95 latency", startValue=450, targetValue=200, unit="ms"
    )
    runbooks = await api.key_result(objective["id"], title="Runbooks", milestones=["a", "b", "c"])
    await api.check_in(latency["id"], value=380.5, confidence=0.6, note="@channel -10% so far")
    await api.check_in(runbooks["id"], milestonesDone=2, confidence=0.9)
    bet = await api.bet(latency["id"], title="Cache the hot path", odds=0.35, expectedImpact=-60)
    await api.mutate("resolveBet", "id", id=bet["id"], outcome="VALIDATED", actualImpact=-42.25,
                     learning="=2+2 is not a formula")  # fmt: skip
    await api.bet(runbooks["id"], title="Pair with support")
    xlsx_url, csv_url = f"/export/cycles/{year}.xlsx", "/export/cycles/2026.csv"  # id or name

    for refused in (
        await api.client.get(xlsx_url),
        # As a browser asks: GraphiQL's page is public, a file is not.
        await api.client.get(xlsx_url, headers={"Accept": "text/html"}),
        await api.client.get(csv_url, headers={"Authorization": "Bearer okra_not-a-token"}),
    ):
        assert refused.status_code == 401, refused.text
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert refused.headers["www-authenticate"] == "Bearer"

    signed_in = await api.headers(None, None)
    want = await expected(api, year)
    answer = await api.client.get(xlsx_url, headers=signed_in)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer.headers["content-disposition"] == 'attachment; filename="okrs-2026.xlsx"'
    assert answer.headers["cache-control"] == "private, no-store"
    got = read_xlsx(answer.content)
    for sheet in SHEETS:
        assert_rows(got[sheet], want[sheet], f"{sheet}.xlsx")
    book = load_workbook(io.BytesIO(answer.content))
    title = book["key-results"]["B2"]
    assert (title.value, title.data_type) == (hostile, "s"), "text, never a formula"
    assert book["bets"]["M2"].value == "=2+2 is not a formula"
    assert book["bets"]["M2"].data_type == "s"

    viewer = await api.token("vic", "viewer")  # an export is a read
    for sheet in SHEETS:
        answer = await api.client.get(
            csv_url, params={"sheet": sheet}, headers={"Authorization": f"Bearer {viewer}"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert_rows(read_csv(answer.content), want[sheet], f"{sheet}.csv")
    text = (await api.client.get(csv_url, headers=signed_in)).content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "'+1 p95 latency" in text, "formulas defused"
    notes = await api.client.get(csv_url, params={"sheet": "check-ins"}, headers=signed_in)
    assert "'@channel -10% so far" in notes.content.decode("utf-8-sig")

    empty = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    nothing = await api.client.get(f"/export/cycles/{empty}.xlsx", headers=signed_in)
    assert nothing.status_code == 200 and read_xlsx(nothing.content) == {s: [] for s in SHEETS}
    nothing = await api.client.get("/export/cycles/2026-q1.csv", headers=signed_in)
    assert nothing.status_code == 200 and read_csv(nothing.content) == []

    unknown = await api.client.get("/export/cycles/2031-Q9.xlsx", headers=signed_in)
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "2031-Q9" in unknown.json()["errors"][0]["message"]
    other = await api.client.get(f"/export/cycles/{year}.pdf", headers=signed_in)
    assert other.status_code == 404 and other.json()["errors"]
    sheet = await api.client.get(csv_url, params={"sheet": "people"}, headers=signed_in)
    assert sheet.status_code == 400
    assert sheet.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_the_workbook_is_laid_out_for_people(demo: Settings, tmp_path: Path) -> None:
    out = tmp_path / "okrs.xlsx"
    okra("export", "cycle", "--cycle", "2026-Q3", "--out", str(out), *store_args(demo))
    book = load_workbook(out)
    page = book["key-results"]
    header = {cell.value: cell for cell in page[1]}
    assert page.freeze_panes == "A2" and all(c.font.b for c in page[1])
    assert page.auto_filter.ref == f"A1:{page.cell(1, page.max_column).column_letter}{page.max_row}"
    formats = {
        "Score": "0.00", "Grade": "0.00", "Confidence": "0%", "Start": "General",
        "Last check-in": "yyyy-mm-dd",
    }  # fmt: skip
    for title, number_format in formats.items():
        cell = page.cell(2, header[title].column)
        assert cell.number_format == number_format, title
    for cell in page[1]:
        width = page.column_dimensions[cell.column_letter].width
        assert 8 <= width <= 60, (cell.value, width)
    titles = page.column_dimensions[header["Key result"].column_letter].width
    assert titles > page.column_dimensions[header["Score"].column_letter].width
    check_ins = book["check-ins"]
    assert check_ins.freeze_panes == "A2"
    assert check_ins.cell(2, 8).number_format == "yyyy-mm-dd hh:mm"  # Recorded at (UTC)
    assert book["bets"].cell(1, 9).value == "Odds" and book["bets"].cell(2, 9).number_format == "0%"
    assert book.properties.title == "OKRs 2026-Q3"


async def test_unknown_cycles_and_sheets_are_refused(settings: Settings, tmp_path: Path) -> None:
    async with running(settings) as api:
        await api.year("2026")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [OKRA, "export", "cycle", *args, "--out", str(tmp_path / "x.xlsx"),
             *store_args(settings)],
            capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "300"},
        )  # fmt: skip

    unknown = run("--cycle", "2031-Q9")
    assert unknown.returncode == 2, unknown
    assert "no cycle is named or has the id '2031-Q9' (cycles: 2026)" in unknown.stderr
    sheet = run("--cycle", "2026", "--sheet", "bets")
    assert sheet.returncode == 2 and "only with --format csv" in sheet.stderr, sheet
    assert not (tmp_path / "x.xlsx").exists()


def test_the_event_export_keeps_its_usage(tmp_path: Path) -> None:
    """``okra export`` and ``okra import`` became groups; their first usage still works."""
    data = ["--data-dir", str(tmp_path / "store")]
    okra("demo", *data)
    to_stdout = okra("export", *data)
    named = okra("export", "events", *data)
    assert to_stdout.stdout == named.stdout and to_stdout.stdout.count("\n") > 500
    (tmp_path / "events.jsonl").write_text(to_stdout.stdout)
    imported = okra("import", str(tmp_path / "events.jsonl"), "--data-dir", str(tmp_path / "b"))
    assert "Imported" in imported.stderr
    assert okra("export", "--data-dir", str(tmp_path / "b")).stdout == to_stdout.stdout
    assert "cycle" in okra("export", "--help").stdout
