"""Reading a plan from CSV (``okra import plan``): rows of objectives and key results.

The file has a header row naming its columns, ``team`` and ``objective`` required,
the others optional, in any order (see :data:`COLUMNS`). Rows naming the same team
and objective title make one objective; each row with a ``key_result`` adds one key
result to it. ``milestones`` are separated by ``;``. This module only reads: it
resolves team names to ids and turns numbers into numbers, and lists every cell it
cannot read with its line; every other rule is the command's (``ImportPlan``).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from domain.application.commands.plans import PlanRow

COLUMNS = (
    "team",
    "objective",
    "kind",
    "description",
    "objective_owner",
    "key_result",
    "start",
    "target",
    "unit",
    "weight",
    "milestones",
    "owner",
)
REQUIRED = ("team", "objective")
NUMBERS = ("start", "target", "weight")


class BadPlan(Exception):
    """The file cannot be read as a plan; the message lists each problem by line."""


def read_plan(path: Path, teams: dict[str, str]) -> list[PlanRow]:
    """The file's rows, team names (ignoring case) resolved to ids ``teams`` maps to
    names; an unknown team is passed on as written, for the command to refuse."""
    by_name = {name.casefold(): team_id for team_id, name in teams.items()}
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        unknown = [name for name in header if name not in COLUMNS]
        missing = [name for name in REQUIRED if name not in header]
        if unknown or missing:
            problem = f"unknown column {unknown[0]!r}" if unknown else f"no {missing[0]!r} column"
            raise BadPlan(f"line 1: {problem} (columns: {','.join(COLUMNS)})")
        rows: list[PlanRow] = []
        problems: list[str] = []
        for record in reader:
            line = reader.line_num
            cells = {
                (k or "").strip().lower(): (v or "").strip()
                for k, v in record.items()
                if k and isinstance(v, str)
            }
            if not any(cells.values()):
                continue  # a blank line
            numbers: dict[str, float | None] = {}
            for name in NUMBERS:
                try:
                    numbers[name] = number(cells.get(name, ""))
                except ValueError:
                    problems.append(f"line {line}: {name}: {cells[name]!r} is not a number")
            if None in record:  # more cells than the header names
                problems.append(f"line {line}: more cells than the header has columns")
            team = cells.get("team", "")
            rows.append(
                PlanRow(
                    line=line,
                    team_id=team if team in teams else by_name.get(team.casefold(), team),
                    objective=cells.get("objective", ""),
                    kind=cells.get("kind") or None,
                    description=cells.get("description") or None,
                    objective_owner=cells.get("objective_owner") or None,
                    key_result=cells.get("key_result") or None,
                    start=numbers.get("start"),
                    target=numbers.get("target"),
                    unit=cells.get("unit") or None,
                    weight=numbers.get("weight"),
                    milestones=tuple(
                        m.strip() for m in cells.get("milestones", "").split(";") if m.strip()
                    ),
                    owner=cells.get("owner") or None,
                )
            )
    if problems:
        raise BadPlan("\n".join(problems))
    return rows


def number(text: str) -> float | None:
    """A cell's number (``1,5`` is refused: the decimal point is ``.``); None if empty."""
    if not text:
        return None
    value = float(text.replace("_", "x"))  # float() would take 1_000
    if not math.isfinite(value):
        raise ValueError(text)
    return value
