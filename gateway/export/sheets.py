"""A cycle's key results, check-ins and bets as rows of typed cells, read from the views.

No figure is computed here: each cell is a field of a view document, read as the
GraphQL types read it (``KeyResult.fields_of``, ``Bet.fields_of``, ``CheckIn``), and
the score band comes from :func:`domain.model.scoring.band`, as ``scoreBand`` does.
So a spreadsheet and the API, read at the same log position, show the same numbers.
The one rearrangement is for milestone key results: their start is 0, their target
the number of milestones and their current value the milestones done, so that one
row shape holds both measures (the API gives ``milestones`` and ``milestonesDone``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from domain.model.objective import Measure
from domain.model.scoring import band
from projections.documents import Doc
from projections.store import ViewStore
from projections.views import BETS, CHECK_INS, CYCLES, OBJECTIVES, PEOPLE, TEAMS


class Cell(StrEnum):
    """What a column holds, which decides its number format and width."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # notes, hypotheses, learnings: wide, wrapped
    NUMBER = "number"  # a value in the key result's unit
    SCORE = "score"  # 0.0–1.0, two decimals
    PERCENT = "percent"  # confidence and odds, 0–1 shown as %
    DATE = "date"
    MOMENT = "moment"  # a UTC date and time
    ID = "id"


@dataclass(frozen=True)
class Column:
    title: str
    cell: Cell


@dataclass
class Sheet:
    """A table: its name (the XLSX sheet's, the CSV's ``--sheet``), columns and rows."""

    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The rows as {column title: value}: what the tests compare with the API."""
        titles = [c.title for c in self.columns]
        return [dict(zip(titles, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class CycleExport:
    cycle: Doc
    sheets: tuple[Sheet, ...]  # key results first: the CSV's default, the workbook's first

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)


class UnknownCycle(Exception):
    """No cycle has that id or name."""


KEY_RESULTS = "key-results"
CHECK_INS_SHEET = "check-ins"
BETS_SHEET = "bets"
SHEET_NAMES = (KEY_RESULTS, CHECK_INS_SHEET, BETS_SHEET)

KEY_RESULT_COLUMNS = (
    Column("Team", Cell.TEXT),
    Column("Objective", Cell.TEXT),
    Column("Objective kind", Cell.TEXT),
    Column("Objective status", Cell.TEXT),
    Column("Objective score", Cell.SCORE),
    Column("Key result", Cell.TEXT),
    Column("Owner", Cell.TEXT),
    Column("Contributors", Cell.TEXT),
    Column("Kind", Cell.TEXT),
    Column("Unit", Cell.TEXT),
    Column("Weight", Cell.NUMBER),
    Column("Start", Cell.NUMBER),
    Column("Target", Cell.NUMBER),
    Column("Current", Cell.NUMBER),
    Column("Score", Cell.SCORE),
    Column("Band", Cell.TEXT),
    Column("Grade", Cell.SCORE),
    Column("Confidence", Cell.PERCENT),
    Column("Last check-in", Cell.DATE),
    Column("Key result id", Cell.ID),
)
CHECK_IN_COLUMNS = (
    Column("Team", Cell.TEXT),
    Column("Objective", Cell.TEXT),
    Column("Key result", Cell.TEXT),
    Column("As of", Cell.DATE),
    Column("Value", Cell.NUMBER),
    Column("Confidence", Cell.PERCENT),
    Column("Note", Cell.LONG_TEXT),
    Column("Recorded at (UTC)", Cell.MOMENT),
    Column("Recorded by", Cell.TEXT),
    Column("Key result id", Cell.ID),
    Column("Check-in id", Cell.ID),
)
BET_COLUMNS = (
    Column("Team", Cell.TEXT),
    Column("Objective", Cell.TEXT),
    Column("Key result", Cell.TEXT),
    Column("Bet", Cell.TEXT),
    Column("Owner", Cell.TEXT),
    Column("Outcome", Cell.TEXT),
    Column("Stake", Cell.NUMBER),
    Column("Stake unit", Cell.TEXT),
    Column("Odds", Cell.PERCENT),
    Column("Expected impact", Cell.NUMBER),
    Column("Expected value", Cell.NUMBER),
    Column("Realised impact", Cell.NUMBER),
    Column("Learning", Cell.LONG_TEXT),
    Column("Hypothesis", Cell.LONG_TEXT),
    Column("Placed at (UTC)", Cell.MOMENT),
    Column("Resolved at (UTC)", Cell.MOMENT),
    Column("Key result id", Cell.ID),
    Column("Bet id", Cell.ID),
)


def find_cycle(cycles: list[Doc], reference: str) -> Doc:
    """A cycle by id, else by name (ignoring case; names are unique)."""
    for cycle in cycles:
        if cycle["id"] == reference:
            return cycle
    named = [c for c in cycles if str(c["name"]).casefold() == reference.strip().casefold()]
    if len(named) == 1:
        return named[0]
    known = ", ".join(sorted(str(c["name"]) for c in cycles)) or "none yet"
    raise UnknownCycle(f"no cycle is named or has the id {reference!r} (cycles: {known})")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    """A stored UTC moment to the second, without its zone: spreadsheets have no zones
    (the column's title says UTC) and keep times to the millisecond at best."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None, microsecond=0)


async def gather(store: ViewStore, cycle_ref: str) -> CycleExport:
    """Everything the export of one cycle shows, read from the views in one pass."""
    cycle = find_cycle(await store.find(CYCLES, {}), cycle_ref)
    objectives = await store.find(OBJECTIVES, {"cycle_id": cycle["id"]})  # as objectives(cycleId)
    key_result_ids = [kr["id"] for o in objectives for kr in o["key_results"]]
    check_ins = await store.find(CHECK_INS, {"key_result_id": key_result_ids})
    bets = await store.find(BETS, {"key_result_id": key_result_ids})
    team_ids = {o["team_id"] for o in objectives} | {b["team_id"] for b in bets}
    teams = await store.get(TEAMS, sorted(team_ids))
    person_ids = {
        person
        for doc in (*objectives, *(kr for o in objectives for kr in o["key_results"]), *bets)
        for person in (doc.get("owner_id"), *(doc.get("contributor_ids") or []))
        if person
    }
    people = await store.get(PEOPLE, sorted(person_ids))
    names = Names(teams, people)
    key_results = {kr["id"]: (o, kr) for o in objectives for kr in o["key_results"]}
    place = {kr_id: i for i, kr_id in enumerate(key_results)}
    return CycleExport(
        cycle=cycle,
        sheets=(
            Sheet(KEY_RESULTS, KEY_RESULT_COLUMNS, [
                key_result_row(o, kr, names) for o, kr in key_results.values()
            ]),
            Sheet(CHECK_INS_SHEET, CHECK_IN_COLUMNS, [
                check_in_row(*key_results[ci["key_result_id"]], ci, names)
                for ci in sorted(check_ins, key=lambda d: (
                    place[d["key_result_id"]], d["as_of"], d["pos"]
                ))
            ]),
            Sheet(BETS_SHEET, BET_COLUMNS, [
                bet_row(*key_results[b["key_result_id"]], b, names)
                for b in sorted(bets, key=lambda d: (place[d["key_result_id"]], d["pos"]))
            ]),
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class Names:
    teams: dict[str, Doc]
    people: dict[str, Doc]

    def team(self, team_id: str) -> str:
        team = self.teams.get(team_id)
        return str(team["name"]) if team else team_id

    def person(self, person_id: str | None) -> str | None:
        """A person's name (the API's ``owner { name }``); None for nobody."""
        if not person_id:
            return None
        person = self.people.get(person_id)
        return str(person["name"]) if person else None

    def people_of(self, doc: Doc) -> str | None:
        listed = [self.person(p) for p in doc.get("contributor_ids") or []]
        return ", ".join(p for p in listed if p) or None


def key_result_row(objective: Doc, kr: Doc, names: Names) -> tuple[Any, ...]:
    milestones = kr["measure"] == Measure.MILESTONES
    start, target, current = (
        (0, len(kr["milestones"]), int(kr["current"] or 0))
        if milestones
        else (kr["start_value"], kr["target_value"], kr["current"])
    )
    score_band = band(kr["score"])
    return (
        names.team(objective["team_id"]),
        objective["title"],
        objective["kind"],
        objective["status"],
        objective["score"],
        kr["title"],
        names.person(kr.get("owner_id")),
        names.people_of(kr),
        kr["measure"],
        kr["unit"] or None,
        kr["weight"],
        start,
        target,
        current,
        kr["score"],
        str(score_band) if score_band else None,
        kr["final_grade"],
        kr["confidence"],
        _day(kr["as_of"]),
        kr["id"],
    )


def check_in_row(objective: Doc, kr: Doc, check_in: Doc, names: Names) -> tuple[Any, ...]:
    value = check_in["value"] if check_in["value"] is not None else check_in["milestones_done"]
    return (
        names.team(objective["team_id"]),
        objective["title"],
        kr["title"],
        _day(check_in["as_of"]),
        value,
        check_in["confidence"],
        check_in["note"] or None,
        _moment(check_in["recorded_at"]),
        check_in["actor"],
        kr["id"],
        check_in["id"],
    )


def bet_row(objective: Doc, kr: Doc, bet: Doc, names: Names) -> tuple[Any, ...]:
    team = names.teams.get(bet["team_id"])
    return (
        names.team(bet["team_id"]),
        objective["title"],
        kr["title"],
        bet["title"],
        names.person(bet.get("owner_id")),
        bet["status"],
        bet["stake"],
        team.get("stake_unit") if team else None,
        bet["odds"],
        bet["expected_impact"],
        bet["expected_value"],
        bet["actual_impact"],
        bet["learning"] or None,
        bet["hypothesis"] or None,
        _moment(bet["created_at"]),
        _moment(bet["resolved_at"]),
        kr["id"],
        bet["id"],
    )
