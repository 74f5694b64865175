"""The demo organisation: a year of OKRs at a warehouse-robotics company.

Everything goes through the domain's commands, with a clock that walks through the
year, so the log reads as if the company had used OKRA since January: three closed
quarters with graded key results and resolved bets, an open fourth quarter with
this week's check-ins, a cascade three levels deep, a lowered target with its
reason, a few backdated check-ins and one bet refused by the stake budget. History
worth looking at: Sales carries its grocery objective over from Q1 into Q2 (both
quarters closed since), and a Q1 churn grade is corrected after Q1 closed.

A strategy map (three values, the five default constituents) is defined in January
and objectives are tagged as they are set. The open quarter holds what an alignment
audit should catch: Mobile's orphan rewrite (untagged, with an oversized bet), a
committed churn key result at low confidence, Support's check-ins lapsing after three
weeks, and an onboarding key result that nothing has served all year.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from domain.access import Principal
from domain.application import Okra
from domain.errors import BudgetExceeded
from domain.objective import Objective, objective_of

YEAR = 2026
QUARTERS = [
    ("Q1", date(YEAR, 1, 1), date(YEAR, 3, 31)),
    ("Q2", date(YEAR, 4, 1), date(YEAR, 6, 30)),
    ("Q3", date(YEAR, 7, 1), date(YEAR, 9, 30)),
    ("Q4", date(YEAR, 10, 1), date(YEAR, 12, 31)),
]
PEOPLE = {
    "org": "maya.chen",
    "Engineering": "tom.okafor",
    "Platform": "ines.garcia",
    "Mobile": "kenji.sato",
    "Sales": "lena.fischer",
    "Customer Success": "sam.rivera",
    "Support": "priya.nair",
}
BETTING_TEAMS = ("Engineering", "Sales", "Customer Success", "Platform")
BET_TITLES = [
    "Pair with the customer's ops lead",
    "Automate the weekly report",
    "Run a two-week spike",
    "Offer a pilot discount",
    "Chaos-test the fleet every Friday",
    "Ship a guided setup",
]
VALUES = ("Customer obsession", "Safety first", "Frugality")
LEARNINGS = {
    "VALIDATED": "It worked; make it the default.",
    "INVALIDATED": "Customers did not care; drop it.",
    "WITHDRAWN": "A reorg made it moot.",
}


class DemoClock:
    """A settable clock: the demo records each event at the moment it 'happened'."""

    def __init__(self) -> None:
        self.now = datetime(YEAR, 1, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: date, hour: int = 9, minute: int = 0) -> None:
        """Move to that moment, but never past the real now: history, not prophecy."""
        moment = datetime.combine(day, time(hour, minute), tzinfo=UTC)
        self.now = min(moment, datetime.now(tz=UTC))


@dataclass
class Plan:
    """A key result to set, and how its team tends to do on it."""

    title: str
    start: float | None = None
    target: float | None = None
    unit: str = ""
    milestones: list[str] = field(default_factory=list)
    weight: float = 1.0
    skill: float = 0.7  # the fraction of the way the team usually gets


@dataclass
class Tracked:
    actor: Principal
    plan: Plan


class Demo:
    def __init__(self, app: Okra, clock: DemoClock) -> None:
        self.app = app
        self.clock = clock
        self.rng = random.Random(YEAR)
        self.today = datetime.now(tz=UTC).date()
        self.teams: dict[str, str] = {}
        self.annual = ""
        self.annual_key_results: dict[str, tuple[float, float]] = {}
        self.parents: dict[str, str] = {}  # names of the annual key results -> ids
        self.tokens: list[tuple[str, str, str, str]] = []  # user, role, team, secret
        self.events = 0
        self.objectives: list[dict[str, str]] = []  # per quarter: team -> its first objective
        self.key_results: list[dict[str, str]] = []  # per quarter: the named key results

    def who(self, team: str) -> Principal:
        """The person who acts for a team: the CEO is an admin, leads are members."""
        if team == "org":
            return Principal(PEOPLE["org"], "admin")
        return Principal(PEOPLE[team], "member", frozenset({self.teams[team]}))

    def seed(self) -> int:
        self.organisation()
        self.issue_tokens()
        self.year()
        for index, (label, starts, ends) in enumerate(QUARTERS):
            if starts <= self.today:
                self.quarter(index, label, starts, ends)
        return self.app.recorder.max_notification_id() or 0

    def organisation(self) -> None:
        self.clock.at(date(YEAR, 1, 2))
        ceo = self.who("org")
        self.teams["org"] = self.app.create_team(actor=ceo, name="Acme Robotics").id
        for name, parent in [
            ("Engineering", "org"),
            ("Sales", "org"),
            ("Customer Success", "org"),
            ("Platform", "Engineering"),
            ("Mobile", "Engineering"),
            ("Support", "Customer Success"),
        ]:
            self.teams[name] = self.app.create_team(
                actor=ceo,
                name=name,
                parent_id=self.teams[parent],
                stake_unit="sales-days" if name == "Sales" else "person-days",
            ).id
        self.app.define_strategy_map(actor=ceo, values=list(VALUES))
        # The leadership team reviews its annual key results monthly.
        self.app.set_check_in_cadence(actor=ceo, team_id=self.teams["org"], days=28)

    def issue_tokens(self) -> None:
        """An admin token for the CEO and member tokens for the team leads, so GraphiQL
        can act as each of them (and see a member refused outside their teams)."""
        for team, user in PEOPLE.items():
            role = "admin" if team == "org" else "member"
            _, secret = self.app.issue_token(
                actor=self.who("org"),
                user=user,
                role=role,
                team_ids=[] if role == "admin" else [self.teams[team]],
                label="demo",
            )
            self.tokens.append((user, role, "Acme Robotics" if team == "org" else team, secret))

    def year(self) -> None:
        ceo = self.who("org")
        self.annual = self.app.open_cycle(
            actor=ceo,
            name=str(YEAR),
            kind="ANNUAL",
            starts_on=date(YEAR, 1, 1),
            ends_on=date(YEAR, 12, 31),
        ).id
        growth = self.app.create_objective(
            actor=ceo,
            cycle_id=self.annual,
            team_id=self.teams["org"],
            title="Become the go-to warehouse robot for mid-size retailers",
            description="Win the segment the big vendors ignore, before they notice.",
            kind="ASPIRATIONAL",
        ).id
        reliability = self.app.create_objective(
            actor=ceo,
            cycle_id=self.annual,
            team_id=self.teams["org"],
            title="Run the most reliable fleet in the industry",
            kind="COMMITTED",
        ).id
        self.tag(ceo, growth, ["Customer obsession"], ["customers", "investors"])
        self.tag(ceo, reliability, ["Safety first"], ["customers"])
        for objective, name, plan in [
            (growth, "arr", Plan("Grow ARR", 12, 20, "M$")),
            (growth, "nrr", Plan("Net revenue retention", 104, 115, "%")),
            (reliability, "uptime", Plan("Fleet uptime", 98.5, 99.9, "%", weight=2)),
            (reliability, "mttr", Plan("Mean time to recovery", 45, 10, "min")),
        ]:
            self.parents[name] = self.add_key_result(ceo, objective, plan)
            assert plan.start is not None and plan.target is not None
            self.annual_key_results[self.parents[name]] = (plan.start, plan.target)
        self.parents["verticals"] = self.add_key_result(
            ceo,
            growth,
            Plan(
                "Land a lighthouse customer in three new verticals",
                milestones=["Grocery", "Pharmacy", "Apparel"],
            ),
        )

    def tag(
        self, actor: Principal, objective_id: str, values: list[str], constituents: list[str]
    ) -> None:
        self.app.tag_objective(
            actor=actor,
            objective_id=objective_id,
            expected_version=None,
            values=values,
            constituents=constituents,
        )

    def add_key_result(self, actor: Principal, objective_id: str, plan: Plan) -> str:
        return self.app.add_key_result(
            actor=actor,
            objective_id=objective_id,
            title=plan.title,
            weight=plan.weight,
            start_value=plan.start,
            target_value=plan.target,
            unit=plan.unit,
            milestones=plan.milestones or None,
        ).id

    def quarter(self, index: int, label: str, starts: date, ends: date) -> None:
        self.clock.at(starts, 8)
        cycle = self.app.open_cycle(
            actor=self.who("org"),
            name=f"{YEAR}-{label}",
            kind="QUARTERLY",
            parent_id=self.annual,
            starts_on=starts,
            ends_on=ends,
        ).id
        self.clock.at(starts + timedelta(days=1), 10)
        tracked: dict[str, Tracked] = {}
        is_open = ends > self.today
        krs = self.quarter_objectives(cycle, index, tracked, is_open)
        self.clock.at(starts + timedelta(days=3), 11)
        bets = self.place_bets(cycle, tracked, greedy_on=krs["pilots"])
        small_bets = self.place_small_bets(tracked, krs, is_open)
        if index == 1:
            self.clock.at(starts + timedelta(days=4), 10)  # after Q1 closed and was graded
            self.carry_over(cycle, self.objectives[0]["Sales"], tracked)
            self.regrade(self.key_results[0]["churn"])
        self.check_ins(
            index,
            label,
            starts,
            ends,
            tracked,
            lowered=krs["pipeline"],
            lapsing=krs["response"] if is_open else None,
        )
        if is_open:
            self.churn_alarm(krs["churn"], tracked[krs["churn"]])
        if ends <= self.today:
            self.clock.at(ends - timedelta(days=2), 16)
            for number, (bet_id, actor, impact) in enumerate(bets):
                self.resolve(
                    bet_id,
                    actor,
                    impact,
                    ["VALIDATED", "INVALIDATED", "VALIDATED", "WITHDRAWN"][number % 4],
                )
            for bet_id, actor, impact in small_bets:
                self.app.resolve_bet(
                    actor=actor,
                    bet_id=bet_id,
                    outcome="VALIDATED",
                    actual_impact=round(impact * 0.8, 2),
                    learning=LEARNINGS["VALIDATED"],
                )
            self.clock.at(ends + timedelta(days=3), 15)
            self.app.close_cycle(actor=self.who("org"), cycle_id=cycle)
        elif bets:
            self.clock.at(min(self.today, ends), 12)
            self.resolve(*bets[0], "VALIDATED")

    def quarter_objectives(
        self, cycle: str, index: int, tracked: dict[str, Tracked], is_open: bool
    ) -> dict[str, str]:
        """Department objectives cascade from annual key results, team ones from theirs."""
        q = index + 1

        def objective(
            team: str,
            title: str,
            kind: str,
            parent: str | None,
            plans: list[Plan],
            aligned: list[str] | None = None,
            serves: tuple[list[str], list[str]] | None = None,
        ) -> tuple[str, list[str]]:
            actor = self.who(team)
            objective_id = self.app.create_objective(
                actor=actor,
                cycle_id=cycle,
                team_id=self.teams[team],
                title=title,
                kind=kind,
                parent_key_result_id=parent,
                aligned_with=aligned,
            ).id
            if serves:
                self.tag(actor, objective_id, *serves)
            objectives.setdefault(team, objective_id)
            ids = []
            for plan in plans:
                kr_id = self.add_key_result(actor, objective_id, plan)
                tracked[kr_id] = Tracked(actor, plan)
                ids.append(kr_id)
            return objective_id, ids

        objectives: dict[str, str] = {}
        self.objectives.append(objectives)
        runbooks = ["Battery faults", "Network partitions", "Sensor drift", "Map corruption"]
        _, eng = objective(
            "Engineering",
            "Make recovery automatic",
            "COMMITTED",
            self.parents["mttr"],
            [
                Plan(
                    "Incidents resolved by automated failover",
                    20 * q - 20,
                    20 * q + 10,
                    "%",
                    skill=0.8,
                ),
                Plan("Runbooks for the top incident types", milestones=runbooks, skill=0.9),
            ],
            serves=(["Safety first"], ["customers", "employees"]),
        )
        objective(
            "Platform",
            "Fail over without a human",
            "COMMITTED",
            eng[0],
            [
                Plan(
                    "Services with active-active failover", 2 * q, 2 * q + 4, "services", skill=0.85
                ),
                Plan("Failover drill time", 30 - 5 * q, 12 - 2 * q, "min", skill=0.6),
            ],
            serves=(["Safety first"], ["customers"]),
        )
        verticals = ["grocery", "pharmacy", "apparel", "grocery"]
        _, sales = objective(
            "Sales",
            f"Open the {verticals[index]} vertical",
            "ASPIRATIONAL",
            self.parents["verticals"],
            [
                Plan("Qualified pipeline in the vertical", 0, 3, "M$", skill=0.65),
                Plan("Paid pilots signed", 0, 2, "pilots", skill=0.55, weight=2),
            ],
            serves=(["Customer obsession"], ["customers", "investors"]),
        )
        success, cs = objective(
            "Customer Success",
            "Keep every customer we win",
            "COMMITTED",
            self.parents["nrr"],
            [
                Plan("Gross monthly churn", 3.0, 1.0, "%", skill=0.75),
                Plan("Days to onboard a warehouse", 30, 14, "days", skill=0.7),
            ],
            serves=(["Customer obsession"], ["customers"]),
        )
        _, support = objective(
            "Support",
            "Answer before the robot stops",
            "ASPIRATIONAL",
            cs[0],
            [Plan("First response time", 60, 15, "min", skill=0.7)],
            serves=(["Customer obsession"], ["customers"]),
        )
        _, mobile = objective(
            "Mobile",
            "Put the fleet in every floor manager's pocket",
            "ASPIRATIONAL",
            None,
            [
                Plan("Weekly active floor managers", 150 * q, 150 * q + 400, "users", skill=0.7),
                Plan("App store rating", 3.9, 4.6, "stars", skill=0.5),
            ],
            aligned=[success],
            serves=(["Customer obsession"], ["customers", "employees"]),
        )
        krs = {
            "pipeline": sales[0],
            "pilots": sales[1],
            "churn": cs[0],
            "response": support[0],
            "floor managers": mobile[0],
            "rating": mobile[1],
        }
        self.key_results.append(krs)
        if is_open:
            # Nobody asked for it, nothing it serves is on the map: what the audit is for.
            _, rewrite = objective(
                "Mobile",
                "Rewrite the app in a new framework",
                "ASPIRATIONAL",
                None,
                [Plan("Screens migrated", 0, 40, "screens", skill=0.4)],
            )
            krs["rewrite"] = rewrite[0]
        return krs

    def carry_over(self, cycle: str, objective_id: str, tracked: dict[str, Tracked]) -> None:
        """Q1's grocery vertical did not open: Sales carries it into Q2, where its key
        results restart from where they stood and are checked in like the others."""
        actor = self.who("Sales")
        carried = self.app.carry_over_objective(
            actor=actor, objective_id=objective_id, to_cycle_id=cycle
        ).id
        objective = self.app.load(Objective, carried, "id")
        for kr in objective.key_results.values():
            tracked[kr.id] = Tracked(
                actor,
                Plan(
                    kr.title,
                    kr.start_value,
                    kr.target_value,
                    kr.unit,
                    list(kr.milestones),
                    kr.weight,
                    skill=0.8,
                ),
            )

    def regrade(self, key_result_id: str) -> None:
        """Finance restated Q1's churn after the quarter closed: the grade is corrected,
        and the original stays in the key result's history."""
        objective = self.app.load(Objective, str(objective_of(key_result_id)), "id")
        grade = objective.key_results[key_result_id].final_grade or 0.0
        self.app.regrade_key_result(
            actor=self.who("org"),
            key_result_id=key_result_id,
            grade=round(grade + 0.15 if grade <= 0.85 else grade - 0.15, 2),
            reason="Finance restated March churn: two cancellations were plan downgrades.",
        )

    def place_bets(
        self, cycle: str, tracked: dict[str, Tracked], greedy_on: str
    ) -> list[tuple[str, Principal, float]]:
        for team in BETTING_TEAMS:
            self.app.set_stake_budget(
                actor=self.who(team),
                team_id=self.teams[team],
                cycle_id=cycle,
                budget=30 if team == "Sales" else 40,
            )
        bettors = {PEOPLE[team] for team in BETTING_TEAMS}
        bets = []
        for kr_id, item in list(tracked.items())[:6]:
            if item.actor.user not in bettors:
                continue
            plan = item.plan
            impact = (
                (plan.target - plan.start) * 0.3
                if plan.start is not None and plan.target is not None
                else 1.0
            )
            bet_id = self.app.place_bet(
                actor=item.actor,
                key_result_id=kr_id,
                title=self.rng.choice(BET_TITLES),
                hypothesis="If we try this for two weeks, the key result moves measurably.",
                stake=self.rng.choice([5, 8, 10, 12]),
                odds=self.rng.choice([0.3, 0.5, 0.6, 0.8]),
                expected_impact=round(impact, 2),
            ).id
            bets.append((bet_id, item.actor, impact))
        with contextlib.suppress(BudgetExceeded):  # the budget refuses a greedy bet
            self.app.place_bet(
                actor=self.who("Sales"),
                key_result_id=greedy_on,
                title="Hire three contract sellers",
                stake=60,
                odds=0.5,
                expected_impact=2,
            )
        return bets

    def check_ins(
        self,
        index: int,
        label: str,
        starts: date,
        ends: date,
        tracked: dict[str, Tracked],
        lowered: str,
        lapsing: str | None = None,
    ) -> None:
        """Weekly check-ins on Mondays, some backdated to the Friday review; the
        ``lapsing`` key result's team stops checking in after three weeks."""
        mondays = [starts + timedelta(days=7 * w + (7 - starts.weekday()) % 7) for w in range(13)]
        for week, monday in enumerate((m for m in mondays if m <= min(ends, self.today)), 1):
            for kr_id, item in tracked.items():
                if kr_id == lapsing and week > 3:
                    continue
                self.check_in(kr_id, item, week, monday)
            if week % 4 == 0:
                self.annual_check_ins(index * 13 + week)
            if week == 6 and label == "Q2":
                self.app.update_key_result(
                    actor=self.who("Sales"),
                    key_result_id=lowered,
                    expected_version=None,
                    target_value=2,
                    reason="Two grocery chains froze budgets until autumn.",
                )

    def place_small_bets(
        self, tracked: dict[str, Tracked], krs: dict[str, str], is_open: bool
    ) -> list[tuple[str, Principal, float]]:
        """Mobile and Support back their key results with small bets (no budget needed);
        in the open quarter Mobile also stakes a lot on its rewrite for very little."""
        bets = []
        for name, title in [
            ("floor managers", "Ship a guided setup"),
            ("rating", "Answer every review within a day"),
            ("response", "Show the runbook on the robot's screen"),
        ]:
            item = tracked[krs[name]]
            assert item.plan.start is not None and item.plan.target is not None
            impact = round((item.plan.target - item.plan.start) * 0.3, 2)
            bet_id = self.app.place_bet(
                actor=item.actor,
                key_result_id=krs[name],
                title=title,
                stake=5,
                odds=0.5,
                expected_impact=impact,
            ).id
            bets.append((bet_id, item.actor, impact))
        if is_open:
            self.app.place_bet(
                actor=self.who("Mobile"),
                key_result_id=krs["rewrite"],
                title="Contract an agency for the rewrite",
                hypothesis="An agency that knows the framework migrates screens faster.",
                stake=30,
                odds=0.3,
                expected_impact=4,
            )
        return bets

    def churn_alarm(self, kr_id: str, item: Tracked) -> None:
        """The latest word on churn, a committed key result: confidence has collapsed."""
        plan = item.plan
        assert plan.start is not None and plan.target is not None
        self.clock.at(self.today, 18)
        self.app.record_check_in(
            actor=item.actor,
            key_result_id=kr_id,
            value=round(plan.start + (plan.target - plan.start) * 0.3, 2),
            confidence=0.35,
            note="Two of our largest customers are trialling a competitor.",
        )

    def check_in(self, kr_id: str, item: Tracked, week: int, monday: date) -> None:
        rng, plan = self.rng, item.plan
        progress = min(1.0, plan.skill * week / 13 * rng.uniform(0.8, 1.2))
        confidence = round(min(1.0, max(0.05, plan.skill + rng.uniform(-0.2, 0.2))), 2)
        backdated = rng.random() < 0.1
        as_of = monday - timedelta(days=3) if backdated else monday
        self.clock.at(monday, rng.randint(9, 17), rng.randint(0, 59))
        if plan.milestones:
            value, done = None, round(progress * len(plan.milestones))
        else:
            assert plan.start is not None and plan.target is not None
            value, done = round(plan.start + (plan.target - plan.start) * progress, 2), None
        self.app.record_check_in(
            actor=item.actor,
            key_result_id=kr_id,
            value=value,
            milestones_done=done,
            confidence=confidence,
            as_of=as_of,
            note="Backdated from Friday's review." if backdated else "",
        )

    def annual_check_ins(self, week_of_year: int) -> None:
        for kr_id, (start, target) in self.annual_key_results.items():
            fraction = min(1.0, week_of_year / 52 * self.rng.uniform(0.7, 1.0))
            self.app.record_check_in(
                actor=self.who("org"),
                key_result_id=kr_id,
                value=round(start + (target - start) * fraction, 2),
                confidence=round(self.rng.uniform(0.5, 0.8), 2),
            )

    def resolve(self, bet_id: str, actor: Principal, impact: float, outcome: str) -> None:
        actual = None
        if outcome != "WITHDRAWN":
            factor = (
                self.rng.uniform(0.6, 1.4)
                if outcome == "VALIDATED"
                else self.rng.uniform(-0.1, 0.1)
            )
            actual = round(impact * factor, 2)
        self.app.resolve_bet(
            actor=actor,
            bet_id=bet_id,
            outcome=outcome,
            actual_impact=actual,
            learning=LEARNINGS[outcome],
        )


def seed(app: Okra, clock: DemoClock) -> Demo:
    """Seed the demo; the seeded demo tells its event count and tokens."""
    demo = Demo(app, clock)
    demo.events = demo.seed()
    return demo
