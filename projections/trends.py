"""Score trends: how a key result, an objective or a team stood on each day or week.

A point is placed by the check-ins' ``asOf`` (the date a measurement is true for),
not by when it was recorded: the point for day D uses the check-in with the latest
``asOf`` on or before D (ties: the one recorded last), among every check-in known
now. So a backdated check-in changes the trend at its own date, and the trend is
"what we know today about how things stood then" (time travel, ``asOf`` on the
queries, answers the other question: what we believed then).

Definitions change too. A key result's weight, start and target on day D are those
in force at the end of D by recording time (a target lowered on 12 May scores the
points from 12 May on against the new target, the earlier ones against the old).
An OKR is set for its whole cycle, whenever it was typed in, so key results count
from their cycle's first day (points before it are null) with the definition they
were added with; before its first check-in a key result scores 0, as in the API.
An objective's point is the weighted mean of its key results, with their weights
of that day; a team's point is the mean of the points of its objectives whose
cycle spans the day (each objective counts once, as in grading; archived ones are
left out). Confidence rolls up the same way over the key results that have one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import fmean
from typing import Any

from domain.model import scoring
from projections.documents import Doc, counting
from projections.retrospective import archived
from projections.store import ViewStore
from projections.views import CHECK_INS, CYCLES, HISTORY, OBJECTIVES

DEFINING = ("KeyResultUpdated", "KeyResultTargetChanged")
_DEFINITION_FIELDS = ("weight", "start_value", "target_value")
MAX_POINTS = 400


@dataclass(frozen=True)
class Point:
    at: date
    score: float | None
    confidence: float | None


def day_of(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(UTC).date()


def buckets(start: date, end: date, bucket: str) -> list[date]:
    """The days the points stand for: each day, or the last day of each week (Monday to
    Sunday) that meets the range, the last one cut at ``end``."""
    if bucket == "DAY":
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    days = []
    sunday = _later(start, 6 - start.weekday())
    while True:
        days.append(min(sunday, end))
        if sunday >= end:
            return days
        sunday = _later(sunday, 7)


def _later(day: date, days: int) -> date:
    """``day`` plus ``days``, or the calendar's last day past it (a week of 9999)."""
    return day + timedelta(days=days) if (date.max - day).days >= days else date.max


@dataclass
class KeyResultHistory:
    """One key result: its current row, its definition changes and its check-ins."""

    row: Doc
    starts_on: date  # its cycle's first day
    # (recorded day, {field: (from, to)}) for weight, start and target, in log order
    redefinitions: list[tuple[date, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    check_ins: list[Doc] = field(default_factory=list)
    _keys: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.check_ins = sorted(self.check_ins, key=lambda c: (c["as_of"], c["pos"]))
        self._keys = [(c["as_of"], c["pos"]) for c in self.check_ins]

    @classmethod
    def of(
        cls, row: Doc, starts_on: date, history: Iterable[Doc], check_ins: Iterable[Doc]
    ) -> KeyResultHistory:
        redefinitions = []
        for entry in sorted(history, key=lambda h: h["pos"]):
            changed = {
                c["field"]: (c["from"], c["to"])
                for c in entry["changes"]
                if c["field"] in _DEFINITION_FIELDS
            }
            if changed:
                redefinitions.append((day_of(entry["recorded_at"]), changed))
        return cls(row, starts_on, redefinitions, list(check_ins))

    def definition_on(self, day: date) -> dict[str, Any]:
        """Weight, start and target at the end of ``day``: today's, with every change
        recorded after that day undone."""
        definition = {name: self.row[name] for name in _DEFINITION_FIELDS}
        for changed_on, changed in reversed(self.redefinitions):
            if changed_on <= day:
                break
            for name, (old, _) in changed.items():
                definition[name] = old
        return definition

    def exists_on(self, day: date) -> bool:
        return self.starts_on <= day

    def check_in_on(self, day: date) -> Doc | None:
        index = bisect.bisect_right(self._keys, (day.isoformat(), 2**63))
        return self.check_ins[index - 1] if index else None

    def state_on(self, day: date) -> tuple[float, float, float | None] | None:
        """(weight, score, confidence) on that day; None before its cycle began."""
        if not self.exists_on(day):
            return None
        definition = self.definition_on(day)
        check_in = self.check_in_on(day)
        if self.row["milestones"]:
            done = check_in["milestones_done"] if check_in else 0
            score = scoring.milestone_score(int(done or 0), len(self.row["milestones"]))
        else:
            score = scoring.metric_score(
                definition["start_value"],
                definition["target_value"],
                check_in["value"] if check_in else None,
            )
        confidence = check_in["confidence"] if check_in else None
        return definition["weight"], score, confidence


def key_result_trend(history: KeyResultHistory, days: Sequence[date]) -> list[Point]:
    points = []
    for day in days:
        state = history.state_on(day)
        points.append(Point(day, None, None) if state is None else Point(day, state[1], state[2]))
    return points


@dataclass
class ObjectiveHistory:
    doc: Doc
    key_results: list[KeyResultHistory]
    span: tuple[date, date]  # its cycle's days
    within: bool = False  # whether it counts only within them (in a team's trend)

    def point_on(self, day: date) -> Point | None:
        """None when the objective does not count that day."""
        if day < self.span[0] or (self.within and day > self.span[1]):
            return None
        states = [s for s in (kr.state_on(day) for kr in self.key_results) if s is not None]
        score = scoring.weighted_mean((w, s) for w, s, _ in states)
        confidence = scoring.weighted_mean((w, c) for w, _, c in states if c is not None)
        return Point(day, score, confidence)


def objective_trend(objective: ObjectiveHistory, days: Sequence[date]) -> list[Point]:
    return [objective.point_on(day) or Point(day, None, None) for day in days]


def team_trend(objectives: Sequence[ObjectiveHistory], days: Sequence[date]) -> list[Point]:
    points = []
    for day in days:
        found = [p for p in (o.point_on(day) for o in objectives) if p is not None]
        scores = [p.score for p in found if p.score is not None]
        confidences = [p.confidence for p in found if p.confidence is not None]
        points.append(
            Point(
                day,
                round(fmean(scores), 6) if scores else None,
                round(fmean(confidences), 6) if confidences else None,
            )
        )
    return points


def span(cycle: Doc) -> tuple[date, date]:
    return date.fromisoformat(cycle["starts_on"]), date.fromisoformat(cycle["ends_on"])


def cycle_range(cycle: Doc, today: date) -> tuple[date, date]:
    """A trend's default range over a cycle: its first day up to its last, or up to
    today while it runs (never before its first day)."""
    first, last = span(cycle)
    return first, max(first, min(last, today))


async def key_result_histories(
    store: ViewStore, objectives: Sequence[Doc], starts: dict[str, date]
) -> dict[str, list[KeyResultHistory]]:
    """Every key result of these objectives with its redefinitions and check-ins, in
    two queries (``starts``: each cycle's first day), by objective id."""
    ids = [kr["id"] for o in objectives for kr in o["key_results"]]
    history: dict[str, list[Doc]] = defaultdict(list)
    check_ins: dict[str, list[Doc]] = defaultdict(list)
    if ids:
        where = {"entity_id": ids, "event_type": list(DEFINING)}
        for row in await store.find(HISTORY, where):
            history[row["entity_id"]].append(row)
        for doc in counting(await store.find(CHECK_INS, {"key_result_id": ids})):
            check_ins[doc["key_result_id"]].append(doc)
    return {
        o["id"]: [
            KeyResultHistory.of(kr, starts[o["cycle_id"]], history[kr["id"]], check_ins[kr["id"]])
            for kr in o["key_results"]
        ]
        for o in objectives
    }


async def team_objectives(
    store: ViewStore, team_id: str, cycle_id: str | None
) -> list[ObjectiveHistory]:
    """What a team's trend is made of: its objectives (of one cycle, or of every cycle),
    archived ones left out, each counting within its cycle's days."""
    docs = await store.find(
        OBJECTIVES, {"team_id": team_id, **({"cycle_id": cycle_id} if cycle_id else {})}
    )
    docs = [d for d in docs if not archived(d)]
    cycles = {
        c["id"]: c for c in await store.find(CYCLES, {"id": sorted({d["cycle_id"] for d in docs})})
    }
    histories = await key_result_histories(
        store, docs, {c: span(doc)[0] for c, doc in cycles.items()}
    )
    return [
        ObjectiveHistory(d, histories[d["id"]], span(cycles[d["cycle_id"]]), within=True)
        for d in docs
    ]
