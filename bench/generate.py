"""Realistic organisations of any size, built through the domain in bulk.

The benchmark needs millions of events in minutes, so the generator skips what the
commands add on top of the aggregates (authorisation, one save per command) but
nothing the aggregates do: every event is triggered by the aggregate methods the
commands call (``Objective.record_check_in``, ``Bet.place``, ``Portfolio.commit``…),
stamped by a walking clock like the demo's, chained, and saved through
``Application.save`` many aggregates at a time (snapshots taken as in production).

An organisation: a root team, departments, and teams below each department. Every
quarter up to the current one (the current one open, the others closed and graded)
each department sets two objectives of three key results and each team ``objectives``
objectives of four key results, the first cascading from its department's; a bet on
each team objective within the team's stake budget; weekly check-ins on every key
result, on Mondays, some backdated, up to today. One "hot" objective of the open
quarter collects about ``HOT_EVENTS`` events (daily check-ins), for time travel.
The log is written week by week across all teams, as a company would write it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain.application.okra import Okra
from domain.model.base import OkraAggregate, Stamp
from domain.model.bet import Bet, BetStatus
from domain.model.cycle import Cycle, CycleKind
from domain.model.objective import Objective
from domain.model.portfolio import Portfolio
from domain.model.roles import Role
from domain.model.team import Team
from domain.model.token import ApiToken, new_secret

HOT_EVENTS = 1_000
FLUSH_EVENTS = 4_000  # events per save(): one transaction each
WEEKS = 13
UNITS = ("%", "M$", "users", "min", "days", "tickets")
BET_TITLES = ("Run a two-week spike", "Pair with the customer", "Automate the report")
NOTES = ("", "", "", "On track.", "Blocked on a vendor.", "Backdated from Friday's review.")


@dataclass(frozen=True)
class Shape:
    """How big an organisation is."""

    departments: int
    teams_per_department: int = 8
    objectives: int = 5  # per team and quarter
    quarters: int = 4  # the open one included

    @property
    def teams(self) -> int:
        return self.departments * (1 + self.teams_per_department)

    def estimated_events(self) -> int:
        """Events a closed quarter holds per team objective, roughly, times the rest."""
        per_team_objective = 1 + 1 + 4 + 4 * WEEKS + 1 + 3  # created … bet
        per_department_objective = 1 + 1 + 3 + 3 * WEEKS + 1
        per_quarter = self.departments * (
            self.teams_per_department * (self.objectives * per_team_objective + 2)
            + 2 * per_department_objective
        )
        return int(per_quarter * self.quarters * 0.92) + HOT_EVENTS

    @classmethod
    def for_events(cls, events: int, quarters: int = 4) -> Shape:
        """The organisation whose log holds about ``events`` events."""
        unit = cls(departments=1, quarters=quarters).estimated_events() - HOT_EVENTS
        return cls(departments=max(1, math.ceil((events - HOT_EVENTS) / unit)), quarters=quarters)


@dataclass
class Organisation:
    """What the benchmark needs to know about a generated organisation."""

    events: int
    open_cycle_id: str
    key_result_ids: list[str]  # metric key results of the open quarter's team objectives
    hot_objective_id: str
    hot_key_result_id: str
    admin_token: str
    teams: int
    objectives: int

    def as_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class _Quarter:
    cycle: Cycle
    name: str
    starts: date
    ends: date
    objectives: list[Objective] = field(default_factory=list)
    plans: dict[str, tuple[float, float, float]] = field(
        default_factory=dict
    )  # kr: start, target, skill
    bets: list[tuple[Bet, Portfolio]] = field(default_factory=list)


class Generator:
    def __init__(self, app: Okra, shape: Shape, today: date, seed: int = 2026) -> None:
        self.app = app
        self.shape = shape
        self.today = today
        self.rng = random.Random(seed)
        self.dirty: dict[UUID, OkraAggregate] = {}
        self.counts: dict[UUID, int] = {}
        self.pending = 0
        self.intervals: dict[type[Any], int] = dict(
            getattr(app, "snapshotting_intervals", None) or {}
        )
        self.snapshotted: dict[UUID, int] = {}

    # -- bulk saving ----------------------------------------------------------------

    def touch(self, *aggregates: OkraAggregate) -> None:
        for aggregate in aggregates:
            self.dirty[aggregate.id] = aggregate
            count = len(aggregate.pending_events)
            self.pending += count - self.counts.get(aggregate.id, 0)
            self.counts[aggregate.id] = count
        if self.pending >= FLUSH_EVENTS:
            self.flush()

    def flush(self) -> None:
        """One transaction for everything pending, through the application's event
        store; then the snapshots production would have taken, from memory."""
        events = [
            event for aggregate in self.dirty.values() for event in aggregate.collect_events()
        ]
        if events:
            self.append(events)
        snapshots = []
        for aggregate in self.dirty.values():
            interval = self.intervals.get(type(aggregate))
            if interval and aggregate.version // interval > self.snapshotted.get(aggregate.id, 0):
                self.snapshotted[aggregate.id] = aggregate.version // interval
                snapshot_class = getattr(type(aggregate), "Snapshot", type(self.app).snapshot_class)
                assert snapshot_class is not None
                snapshots.append(snapshot_class.take(aggregate))
        if snapshots and self.app.snapshots is not None:
            self.app.snapshots.put(snapshots)
        self.dirty.clear()
        self.counts.clear()
        self.pending = 0

    def append(self, events: list[Any]) -> None:
        """Encode with the application's mapper (transcoder, as every save does) and
        append: by COPY on PostgreSQL, where the generator is the only writer so the
        table lock eventsourcing takes buys nothing; through the recorder on SQLite."""
        stored = [self.app.mapper.to_stored_event(event) for event in events]
        recorder: Any = self.app.recorder
        datastore = recorder.datastore
        if not hasattr(datastore, "schema"):  # SQLite
            recorder.insert_events(stored)
            return
        table = f'"{datastore.schema}"."{recorder.events_table_name}"'
        columns = "(originator_id, originator_version, topic, state)"
        with (
            datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as cursor,
            cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy,
        ):
            for s in stored:
                copy.write_row((s.originator_id, s.originator_version, s.topic, s.state))

    def stamp(self, actor: str, day: date, hour: int = 9) -> Stamp:
        moment = datetime.combine(day, time(hour, self.rng.randint(0, 59)), tzinfo=UTC)
        return Stamp(actor=actor, at=min(moment, datetime.now(tz=UTC)))

    # -- the organisation -------------------------------------------------------------

    def run(self) -> Organisation:
        first_quarter = _quarters_back(self.today, self.shape.quarters)
        start = first_quarter[0][1] - timedelta(days=7)
        ceo = "ceo"
        root = Team.create(self.stamp(ceo, start), name="Bench Org", parent_id=None, stake_unit="d")
        secret = new_secret()
        token = ApiToken.issue(
            self.stamp(ceo, start),
            user="bench",
            role=Role.ADMIN,
            team_ids=[],
            label="benchmark",
            secret=secret,
        )
        self.touch(root, token)
        departments: list[tuple[Team, list[Team]]] = []
        for d in range(self.shape.departments):
            department = Team.create(
                self.stamp(ceo, start),
                name=f"Department {d + 1}",
                parent_id=root.id,
                stake_unit="d",
            )
            teams = [
                Team.create(
                    self.stamp(ceo, start),
                    name=f"Team {d + 1}.{t + 1}",
                    parent_id=department.id,
                    stake_unit="person-days",
                )
                for t in range(self.shape.teams_per_department)
            ]
            departments.append((department, teams))
            self.touch(department, *teams)
        annual: dict[int, Cycle] = {}
        hot: Objective | None = None
        kr_ids: list[str] = []
        objectives = 0
        for name, starts, ends in first_quarter:
            year = starts.year
            if year not in annual:
                annual[year] = Cycle.open(
                    self.stamp(ceo, starts - timedelta(days=3)),
                    name=f"{year}",
                    kind=CycleKind.ANNUAL,
                    parent_id=None,
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                )
                self.touch(annual[year])
            is_open = ends >= self.today
            quarter = self.plan_quarter(name, starts, ends, annual[year], departments)
            objectives += len(quarter.objectives)
            if is_open:
                hot = self.hot_objective(quarter, departments[0][1][0])
                kr_ids = [
                    kr
                    for objective in quarter.objectives
                    if objective.parent_key_result_id is not None or objective is hot
                    for kr in objective.key_results
                ]
            self.weeks(quarter)
            if not is_open:
                self.close(quarter)
        self.flush()
        assert hot is not None
        return Organisation(
            events=self.app.recorder.max_notification_id() or 0,
            open_cycle_id=str(quarter.cycle.id),
            key_result_ids=[k for k in kr_ids if k.split(":")[0] != str(hot.id)],
            hot_objective_id=str(hot.id),
            hot_key_result_id=next(iter(hot.key_results)),
            admin_token=secret,
            teams=1 + self.shape.teams,
            objectives=objectives,
        )

    def plan_quarter(
        self,
        name: str,
        starts: date,
        ends: date,
        year: Cycle,
        departments: list[tuple[Team, list[Team]]],
    ) -> _Quarter:
        ceo = "ceo"
        cycle = Cycle.open(
            self.stamp(ceo, starts),
            name=name,
            kind=CycleKind.QUARTERLY,
            parent_id=year.id,
            starts_on=starts,
            ends_on=ends,
        )
        quarter = _Quarter(cycle, name, starts, ends)
        self.touch(cycle)
        day = starts + timedelta(days=1)
        for d, (department, teams) in enumerate(departments):
            lead = f"lead.{d + 1}"
            parents: list[str] = []
            for o in range(2):
                objective = self.objective(
                    quarter, department, lead, day, f"Department {d + 1} goal {o + 1}", None, 3
                )
                parents.extend(objective.key_results)
            for t, team in enumerate(teams):
                member = f"member.{d + 1}.{t + 1}"
                portfolio = Portfolio.open(
                    self.stamp(member, day), team_id=team.id, cycle_id=cycle.id
                )
                portfolio.set_budget(self.stamp(member, day), 40.0, "person-days")
                for o in range(self.shape.objectives):
                    parent = parents[(t + o) % len(parents)] if o == 0 else None
                    title = f"Team {d + 1}.{t + 1} objective {o + 1} of {name}"
                    objective = self.objective(quarter, team, member, day, title, parent, 4)
                    kr = next(iter(objective.key_results))
                    start, target, _ = quarter.plans[kr]
                    bet = Bet.place(
                        self.stamp(member, day + timedelta(days=2)),
                        key_result_id=kr,
                        objective_id=str(objective.id),
                        team_id=str(team.id),
                        cycle_id=str(cycle.id),
                        title=self.rng.choice(BET_TITLES),
                        hypothesis="If we try this for two weeks, the key result moves.",
                        stake=5.0,
                        odds=self.rng.choice((0.3, 0.5, 0.7)),
                        expected_impact=round((target - start) * 0.2, 2),
                    )
                    portfolio.commit(self.stamp(member, day + timedelta(days=2)), bet.id, 5.0, "d")
                    quarter.bets.append((bet, portfolio))
                    self.touch(bet, portfolio)
        return quarter

    def objective(
        self,
        quarter: _Quarter,
        team: Team,
        actor: str,
        day: date,
        title: str,
        parent: str | None,
        key_results: int,
    ) -> Objective:
        stamp = self.stamp(actor, day)
        objective = Objective.create(
            stamp,
            cycle_id=quarter.cycle.id,
            team_id=team.id,
            title=title,
            description="Generated for the benchmark.",
            kind=self.rng.choice(("COMMITTED", "ASPIRATIONAL")),
            parent_key_result_id=parent,
            aligned_with=[],
        )
        quarter.cycle.schedule(stamp, objective.id, team.id)
        for k in range(key_results):
            start = float(self.rng.randint(0, 50))
            target = start + self.rng.choice((10, 20, 50, 100))
            kr = objective.add_key_result(
                stamp,
                title=f"Key result {k + 1}",
                start_value=start,
                target_value=target,
                unit=self.rng.choice(UNITS),
            )
            quarter.plans[kr.id] = (start, target, self.rng.uniform(0.4, 0.95))
        quarter.objectives.append(objective)
        self.touch(objective, quarter.cycle)
        return objective

    def hot_objective(self, quarter: _Quarter, team: Team) -> Objective:
        """An objective whose key results are checked in on daily: ``HOT_EVENTS`` events."""
        objective = self.objective(
            quarter,
            team,
            "member.hot",
            quarter.starts,
            "The objective checked in on daily",
            None,
            4,
        )
        krs = list(objective.key_results)
        day, count = quarter.starts, 1 + 4
        while count < HOT_EVENTS:
            for kr in krs:
                if count >= HOT_EVENTS:
                    break
                stamp = self.stamp("member.hot", min(day, self.today), self.rng.randint(8, 18))
                self.check_in(
                    objective, quarter, kr, stamp, self.rng.random(), min(day, self.today)
                )
                count += 1
                if count % 50 == 0:  # saved as it happens: snapshots every 50 events
                    self.touch(objective)
                    self.flush()
            day += timedelta(days=1)
            if day > self.today:
                day = quarter.starts
        self.touch(objective)
        return objective

    def check_in(
        self,
        objective: Objective,
        quarter: _Quarter,
        kr: str,
        stamp: Stamp,
        progress: float,
        as_of: date,
    ) -> None:
        start, target, skill = quarter.plans[kr]
        value = round(start + (target - start) * progress * skill, 2)
        objective.record_check_in(
            stamp,
            kr,
            expected_version=None,
            value=value,
            milestones_done=None,
            confidence=round(min(1.0, max(0.05, skill + self.rng.uniform(-0.2, 0.2))), 2),
            note=self.rng.choice(NOTES),
            as_of=as_of,
        )

    def weeks(self, quarter: _Quarter) -> None:
        mondays = [
            quarter.starts + timedelta(days=(7 - quarter.starts.weekday()) % 7 + 7 * w)
            for w in range(WEEKS)
        ]
        for week, monday in enumerate(
            (m for m in mondays if m <= min(quarter.ends, self.today)), 1
        ):
            for objective in quarter.objectives:
                if objective.title.startswith("The objective checked in on daily"):
                    continue
                for kr in objective.key_results:
                    backdated = self.rng.random() < 0.1
                    as_of = monday - timedelta(days=3) if backdated else monday
                    stamp = self.stamp(f"member.{objective.team_id[:8]}", monday, 9 + week % 8)
                    progress = min(1.0, week / WEEKS * self.rng.uniform(0.8, 1.2))
                    self.check_in(objective, quarter, kr, stamp, progress, as_of)
                self.touch(objective)

    def close(self, quarter: _Quarter) -> None:
        day = quarter.ends - timedelta(days=2)
        for number, (bet, portfolio) in enumerate(quarter.bets):
            outcome = ("VALIDATED", "INVALIDATED", "VALIDATED", "WITHDRAWN")[number % 4]
            stamp = self.stamp("resolver", day, 16)
            bet.resolve(
                stamp,
                expected_version=None,
                outcome=outcome,
                actual_impact=None
                if outcome == BetStatus.WITHDRAWN
                else round(bet.expected_impact * 0.8, 2),
                learning="Generated.",
            )
            if outcome == BetStatus.WITHDRAWN:
                portfolio.release(stamp, bet.id)
            self.touch(bet, portfolio)
        stamp = self.stamp("ceo", quarter.ends + timedelta(days=3), 15)
        for objective in quarter.objectives:
            objective.grade_at_close(stamp, quarter.name)
            self.touch(objective)
        for _, portfolio in quarter.bets:
            portfolio.close(stamp)
            self.touch(portfolio)
        quarter.cycle.close(stamp)
        self.touch(quarter.cycle)
        self.flush()


def _quarters_back(today: date, count: int) -> list[tuple[str, date, date]]:
    """The ``count`` quarters ending with the one ``today`` lies in, oldest first."""
    year, q = today.year, (today.month - 1) // 3
    found: list[tuple[str, date, date]] = []
    for _ in range(count):
        starts = date(year, 3 * q + 1, 1)
        ends = (date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - timedelta(days=1)
        found.append((f"{year}-Q{q + 1}", starts, ends))
        year, q = (year, q - 1) if q else (year - 1, 3)
    return list(reversed(found))


def generate(app: Okra, events: int, quarters: int = 4, today: date | None = None) -> Organisation:
    """Fill an empty store with an organisation of about ``events`` events."""
    if app.recorder.max_notification_id():
        raise ValueError("the store already holds events")
    shape = Shape.for_events(events, quarters)
    return Generator(app, shape, today or datetime.now(tz=UTC).date()).run()
