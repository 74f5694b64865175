"""Seeding the demo through the domain's commands, quarter by quarter."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from domain.application import commands as c
from domain.application.access import Principal
from domain.application.commands.people import PersonRow
from domain.application.okra import Okra
from domain.model.action import ActionSize
from domain.model.bet import BetOutcome
from domain.model.cycle import CycleKind
from domain.model.errors import BudgetExceeded
from domain.model.notice import NotificationChannel
from domain.model.objective import Objective, ObjectiveKind
from domain.model.person import Person
from domain.model.roles import Role
from gateway.demo.clock import DemoClock
from gateway.demo.company import (
    BET_TITLES,
    BETTING_TEAMS,
    CHAMPION,
    CONTRIBUTORS,
    IDEAS,
    KEY_RESULT_BET_TITLES,
    LEARNINGS,
    LEAVER,
    MEMBERS,
    NAMES,
    PEOPLE,
    QUARTERS,
    VALUES,
    YEAR,
    Plan,
    Tracked,
)

COMMITTED, ASPIRATIONAL = ObjectiveKind.COMMITTED, ObjectiveKind.ASPIRATIONAL
VALIDATED, INVALIDATED = BetOutcome.VALIDATED, BetOutcome.INVALIDATED
WITHDRAWN = BetOutcome.WITHDRAWN


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
        self.tokens: list[tuple[str, Role, str, str]] = []  # handle, role, where, secret
        self.people: dict[str, str] = {}  # handle -> person id
        self.roles: dict[str, tuple[str, str]] = {}  # handle -> (team, role) as imported
        self.events = 0
        self.objectives: list[dict[str, str]] = []  # per quarter: team -> its first objective
        self.key_results: list[dict[str, str]] = []  # per quarter: the named key results

    def who(self, team: str) -> Principal:
        """The person who acts for a team, its lead: the CEO is an admin, leads are members
        (what they may change follows their memberships)."""
        return self.person(PEOPLE[team])

    def person(self, handle: str) -> Principal:
        role = Role.ADMIN if handle == PEOPLE["org"] else Role.MEMBER
        return Principal(handle, role, person_id=self.people[handle])

    def seed(self) -> int:
        self.organisation()
        self.issue_tokens()
        self.year()
        for index, (label, starts, ends) in enumerate(QUARTERS):
            if starts <= self.today:
                self.quarter(index, label, starts, ends)
        self.leave()
        self.notices()
        self.rename_team()
        return self.app.recorder.max_notification_id() or 0

    def organisation(self) -> None:
        self.clock.at(date(YEAR, 1, 2))
        # The CEO is the first person, added by whoever installed OKRA.
        ceo_handle = PEOPLE["org"]
        self.people[ceo_handle] = self.app.handle(
            c.AddPerson(handle=ceo_handle, name=NAMES[ceo_handle], email=email(ceo_handle)),
            "okra-demo",
        ).id
        ceo = self.who("org")
        self.teams["org"] = self.app.handle(c.CreateTeam(name="Acme Robotics"), ceo).id
        for name, parent in [
            ("Engineering", "org"),
            ("Sales", "org"),
            ("Customer Success", "org"),
            ("Platform", "Engineering"),
            ("Mobile", "Engineering"),
            ("Support", "Customer Success"),
        ]:
            self.teams[name] = self.app.handle(
                c.CreateTeam(
                    name=name,
                    parent_id=self.teams[parent],
                    stake_unit="sales-days" if name == "Sales" else "person-days",
                ),
                ceo,
            ).id
        self.import_people(ceo)
        self.app.handle(c.DefineStrategyMap(values=list(VALUES)), ceo)
        # The leadership team reviews its annual key results monthly.
        self.app.handle(c.SetCheckInCadence(team_id=self.teams["org"], days=28), ceo)

    def import_people(self, ceo: Principal) -> None:
        """Everyone, from HR's list in one import: a lead and members per team, and the
        organisation's OKR champion."""
        roles = [
            (handle, "org" if team == "org" else team, "LEAD") for team, handle in PEOPLE.items()
        ]
        roles += [
            (handle, team, "MEMBER") for team, handles in MEMBERS.items() for handle in handles
        ]
        roles.append((CHAMPION, "org", "CHAMPION"))
        rows = [
            PersonRow(
                line=line,
                handle=handle,
                name=NAMES[handle],
                email=email(handle),
                team_id=self.teams[team],
                role=role,
            )
            for line, (handle, team, role) in enumerate(roles, 2)
        ]
        self.app.handle(c.ImportPeople(rows=rows), ceo)
        for handle in NAMES:
            self.people[handle] = str(Person.id_for(handle))
        self.roles = {handle: (team, role) for handle, team, role in roles}

    def issue_tokens(self) -> None:
        """A token for every person, speaking for them: an admin's for the CEO, members'
        for everyone else, so GraphiQL can act as each of them (and see a member refused
        outside their teams, a champion allowed to tag only, the leaver refused)."""
        for handle, (team, member_role) in self.roles.items():
            role = Role.ADMIN if handle == PEOPLE["org"] else Role.MEMBER
            secret = self.app.handle(
                c.IssueToken(person_id=self.people[handle], role=role, label="demo"),
                self.who("org"),
            ).secret
            assert secret is not None
            where = f"{'Acme Robotics' if team == 'org' else team} {member_role.lower()}"
            if handle == LEAVER:
                where += " (left)"
            self.tokens.append((handle, role, where, secret))

    def leave(self) -> None:
        """A Mobile engineer leaves this week: deactivated, they still own an open key
        result (the audit's INACTIVE_OWNER), and their token is refused."""
        self.clock.at(self.today, 19)
        self.app.handle(c.DeactivatePerson(id=self.people[LEAVER]), self.who("org"))

    def notices(self) -> None:
        """Notices (issue 16): Support takes its weekly digest on Friday afternoons, and
        the CEO reads notices in Slack (webhooks) rather than by e-mail."""
        self.clock.at(self.today, 19)
        self.app.handle(
            c.SetDigestSchedule(team_id=self.teams["Support"], weekday=5, hour=16),
            self.who("Support"),
        )
        self.app.handle(
            c.SetNotificationPreferences(
                person_id=self.people[PEOPLE["org"]], muted_channels=[NotificationChannel.EMAIL]
            ),
            self.who("org"),
        )

    def year(self) -> None:
        ceo = self.who("org")
        self.annual = self.app.handle(
            c.OpenCycle(
                name=str(YEAR),
                kind=CycleKind.ANNUAL,
                starts_on=date(YEAR, 1, 1),
                ends_on=date(YEAR, 12, 31),
            ),
            ceo,
        ).id
        growth = self.app.handle(
            c.CreateObjective(
                cycle_id=self.annual,
                team_id=self.teams["org"],
                title="Become the go-to warehouse robot for mid-size retailers",
                description="Win the segment the big vendors ignore, before they notice.",
                kind=ObjectiveKind.ASPIRATIONAL,
                contributor_ids=[self.people["lena.fischer"], self.people["sam.rivera"]],
            ),
            ceo,
        ).id
        reliability = self.app.handle(
            c.CreateObjective(
                cycle_id=self.annual,
                team_id=self.teams["org"],
                title="Run the most reliable fleet in the industry",
                kind=ObjectiveKind.COMMITTED,
            ),
            ceo,
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
        self.app.handle(
            c.TagObjective(
                id=(objective_id), expected_version=1, values=values, constituents=constituents
            ),
            actor,
        )

    def add_key_result(
        self, actor: Principal, objective_id: str, plan: Plan, owner: Principal | None = None
    ) -> str:
        return self.app.handle(
            c.AddKeyResult(
                objective_id=objective_id,
                title=plan.title,
                weight=plan.weight,
                start_value=plan.start,
                target_value=plan.target,
                unit=plan.unit,
                milestones=plan.milestones or None,
                owner_id=owner.person_id if owner else None,
            ),
            actor,
        ).id

    def quarter(self, index: int, label: str, starts: date, ends: date) -> None:
        self.clock.at(starts, 8)
        cycle = self.app.handle(
            c.OpenCycle(
                name=f"{YEAR}-{label}",
                kind=CycleKind.QUARTERLY,
                parent_id=self.annual,
                starts_on=starts,
                ends_on=ends,
            ),
            self.who("org"),
        ).id
        self.clock.at(starts + timedelta(days=1), 10)
        tracked: dict[str, Tracked] = {}
        is_open = ends > self.today
        krs = self.quarter_objectives(cycle, index, tracked, is_open)
        self.clock.at(starts + timedelta(days=3), 11)
        bets = self.place_bets(cycle, tracked, greedy_on=krs["pilots"])
        small_bets = self.place_small_bets(tracked, krs, is_open)
        if is_open:
            self.backlog(tracked)
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
            self.retract_a_typo(krs["pipeline"], tracked[krs["pipeline"]])
            self.churn_alarm(krs["churn"], tracked[krs["churn"]])
        if ends <= self.today:
            self.clock.at(ends - timedelta(days=2), 16)
            for number, (bet_id, actor, impact) in enumerate(bets):
                self.resolve(
                    bet_id,
                    actor,
                    impact,
                    [VALIDATED, INVALIDATED, VALIDATED, WITHDRAWN][number % 4],
                )
            for bet_id, actor, impact in small_bets:
                self.app.handle(
                    c.ResolveBet(
                        id=bet_id,
                        outcome=VALIDATED,
                        actual_impact=round(impact * 0.8, 2),
                        learning=LEARNINGS[VALIDATED],
                    ),
                    actor,
                )
            self.clock.at(ends + timedelta(days=3), 15)
            self.app.handle(c.CloseCycle(id=cycle), self.who("org"))
        elif bets:
            self.clock.at(min(self.today, ends), 12)
            self.resolve(*bets[0], VALIDATED)

    def quarter_objectives(
        self, cycle: str, index: int, tracked: dict[str, Tracked], is_open: bool
    ) -> dict[str, str]:
        """Department objectives cascade from annual key results, team ones from theirs."""
        q = index + 1

        def objective(
            team: str,
            title: str,
            kind: ObjectiveKind,
            parent: str | None,
            plans: list[Plan],
            aligned: list[str] | None = None,
            serves: tuple[list[str], list[str]] | None = None,
        ) -> tuple[str, list[str]]:
            actor = self.who(team)
            objective_id = self.app.handle(
                c.CreateObjective(
                    cycle_id=cycle,
                    team_id=self.teams[team],
                    title=title,
                    kind=kind,
                    parent_key_result_id=parent,
                    aligned_with=aligned,
                    contributor_ids=[self.people[h] for h in CONTRIBUTORS.get(team, [])],
                ),
                actor,
            ).id
            if serves:
                self.tag(actor, objective_id, *serves)
            objectives.setdefault(team, objective_id)
            ids = []
            # The lead owns the first key result, the team's members the others.
            owners = [actor, *(self.person(h) for h in MEMBERS[team])]
            for number, plan in enumerate(plans):
                owner = owners[number % len(owners)]
                kr_id = self.add_key_result(actor, objective_id, plan, owner)
                tracked[kr_id] = Tracked(actor, plan, owner)
                ids.append(kr_id)
            return objective_id, ids

        objectives: dict[str, str] = {}
        self.objectives.append(objectives)
        runbooks = ["Battery faults", "Network partitions", "Sensor drift", "Map corruption"]
        _, eng = objective(
            "Engineering",
            "Make recovery automatic",
            COMMITTED,
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
            COMMITTED,
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
            ASPIRATIONAL,
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
            COMMITTED,
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
            ASPIRATIONAL,
            cs[0],
            [Plan("First response time", 60, 15, "min", skill=0.7)],
            serves=(["Customer obsession"], ["customers"]),
        )
        _, mobile = objective(
            "Mobile",
            "Put the fleet in every floor manager's pocket",
            ASPIRATIONAL,
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
                ASPIRATIONAL,
                None,
                [Plan("Screens migrated", 0, 40, "screens", skill=0.4)],
            )
            krs["rewrite"] = rewrite[0]
        return krs

    def carry_over(self, cycle: str, objective_id: str, tracked: dict[str, Tracked]) -> None:
        """Q1's grocery vertical did not open: Sales carries it into Q2, where its key
        results restart from where they stood and are checked in like the others."""
        actor = self.who("Sales")
        carried = self.app.handle(
            c.CarryOverObjective(id=objective_id, to_cycle_id=cycle), actor
        ).id
        objective: Objective = self.app.repository.get(UUID(carried))
        handles = {person_id: handle for handle, person_id in self.people.items()}
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
                self.person(handles[kr.owner_id]) if kr.owner_id else None,
            )

    def regrade(self, key_result_id: str) -> None:
        """Finance restated Q1's churn after the quarter closed: the grade is corrected,
        and the original stays in the key result's history."""
        objective: Objective = self.app.repository.get(UUID(key_result_id.rpartition(".")[0]))
        grade = objective.key_results[key_result_id].final_grade or 0.0
        self.app.handle(
            c.RegradeKeyResult(
                id=key_result_id,
                grade=round(grade + 0.15 if grade <= 0.85 else grade - 0.15, 2),
                reason="Finance restated March churn: two cancellations were plan downgrades.",
            ),
            self.who("org"),
        )

    def place_bets(
        self, cycle: str, tracked: dict[str, Tracked], greedy_on: str
    ) -> list[tuple[str, Principal, float]]:
        for team in BETTING_TEAMS:
            self.app.handle(
                c.SetStakeBudget(
                    team_id=self.teams[team], cycle_id=cycle, budget=30 if team == "Sales" else 40
                ),
                self.who(team),
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
            bet_id = self.app.handle(
                c.PlaceBet(
                    key_result_id=kr_id,
                    title=self.bet_title(item.plan.title),
                    hypothesis="If we try this for two weeks, the key result moves measurably.",
                    stake=self.rng.choice([5, 8, 10, 12]),
                    odds=self.rng.choice([0.3, 0.5, 0.6, 0.8]),
                    expected_impact=round(impact, 2),
                ),
                item.actor,
            ).id
            bets.append((bet_id, item.actor, impact))
        with contextlib.suppress(BudgetExceeded):  # the budget refuses a greedy bet
            self.app.handle(
                c.PlaceBet(
                    key_result_id=greedy_on,
                    title="Hire three contract sellers",
                    stake=60,
                    odds=0.5,
                    expected_impact=2,
                ),
                self.who("Sales"),
            )
        return bets

    def bet_title(self, key_result_title: str) -> str:
        """A bet that can move that key result."""
        draw = BET_TITLES.index(self.rng.choice(BET_TITLES))
        titles = KEY_RESULT_BET_TITLES.get(key_result_title, ["Run a two-week spike"])
        return titles[draw % len(titles)]

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
                objective: Objective = self.app.repository.get(UUID(lowered.rpartition(".")[0]))
                self.app.handle(
                    c.UpdateKeyResult(
                        id=(lowered),
                        expected_version=objective.key_results[lowered].version,
                        target_value=2,
                        reason="Two grocery chains froze budgets until autumn.",
                    ),
                    self.who("Sales"),
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
            bet_id = self.app.handle(
                c.PlaceBet(
                    key_result_id=krs[name], title=title, stake=5, odds=0.5, expected_impact=impact
                ),
                item.actor,
            ).id
            bets.append((bet_id, item.actor, impact))
        if is_open:
            self.app.handle(
                c.PlaceBet(
                    key_result_id=krs["rewrite"],
                    title="Contract an agency for the rewrite",
                    hypothesis="An agency that knows the framework migrates screens faster.",
                    stake=30,
                    odds=0.3,
                    expected_impact=4,
                ),
                self.who("Mobile"),
            )
        return bets

    def retract_a_typo(self, kr_id: str, item: Tracked) -> None:
        """Corrections (issue 14): a check-in typed in k$ instead of M$, retracted with
        its reason; the pipeline falls back to the Monday check-in."""
        self.clock.at(self.today, 17, 30)
        self.app.handle(
            c.RecordCheckIn(key_result_id=kr_id, value=1250, note="After the trade fair"),
            item.checker,
        )
        objective: Objective = self.app.repository.get(UUID(kr_id.rpartition(".")[0]))
        check_in_id = f"{kr_id}@{objective.version}"  # the check-in just recorded
        self.clock.at(self.today, 17, 45)
        self.app.handle(
            c.RetractCheckIn(
                check_in_id=check_in_id,
                reason="Typed in k$ instead of M$: the pipeline is 1.25 M$.",
            ),
            item.checker,
        )

    def churn_alarm(self, kr_id: str, item: Tracked) -> None:
        """The latest word on churn, a committed key result: confidence has collapsed."""
        plan = item.plan
        assert plan.start is not None and plan.target is not None
        self.clock.at(self.today, 18)
        self.app.handle(
            c.RecordCheckIn(
                key_result_id=kr_id,
                value=round(plan.start + (plan.target - plan.start) * 0.3, 2),
                confidence=0.35,
                note="Two of our largest customers are trialling a competitor.",
            ),
            item.checker,
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
        self.app.handle(
            c.RecordCheckIn(
                key_result_id=kr_id,
                value=value,
                milestones_done=done,
                confidence=confidence,
                as_of=as_of,
                note="Backdated from Friday's review." if backdated else "",
            ),
            item.checker,
        )

    def annual_check_ins(self, week_of_year: int) -> None:
        for kr_id, (start, target) in self.annual_key_results.items():
            fraction = min(1.0, week_of_year / 52 * self.rng.uniform(0.7, 1.0))
            self.app.handle(
                c.RecordCheckIn(
                    key_result_id=kr_id,
                    value=round(start + (target - start) * fraction, 2),
                    confidence=round(self.rng.uniform(0.5, 0.8), 2),
                ),
                self.who("org"),
            )

    def resolve(self, bet_id: str, actor: Principal, impact: float, outcome: BetOutcome) -> None:
        actual = None
        if outcome != WITHDRAWN:
            factor = (
                self.rng.uniform(0.6, 1.4) if outcome == VALIDATED else self.rng.uniform(-0.1, 0.1)
            )
            actual = round(impact * factor, 2)
        self.app.handle(
            c.ResolveBet(
                id=bet_id, outcome=outcome, actual_impact=actual, learning=LEARNINGS[outcome]
            ),
            actor,
        )

    # -- actions (issue 15): each team's backlog of ideas in the open quarter ----------

    def backlog(self, tracked: dict[str, Tracked]) -> None:
        """Per team, on its first key result: an idea of each size (the M one a key
        action, estimated), one dropped with its reason, one that became a bet; then
        Platform's offer on Mobile's key action accepted and Sales' on Support's
        declined."""
        teams = {lead: team for team, lead in PEOPLE.items()}
        firsts: dict[str, tuple[str, Tracked]] = {}
        for kr_id, item in tracked.items():
            firsts.setdefault(teams.get(item.actor.user, ""), (kr_id, item))
        firsts.pop("", None)
        key_actions: dict[str, str] = {}
        for team, (kr_id, item) in firsts.items():
            ideas = []
            for size, title in zip(("XS", "S", "M", "L", "XL"), IDEAS, strict=True):
                key = size == "M"  # the key action, and the one estimated
                ideas.append(
                    self.app.handle(
                        c.ProposeAction(
                            key_result_id=kr_id,
                            title=title,
                            hypothesis=f"We believe “{title.lower()}” will move it.",
                            size=ActionSize(size),
                            key=key,
                            stake=3 if key else None,
                            odds=0.6 if key else None,
                            expected_impact=2 if key else None,
                        ),
                        item.actor,
                    ).id
                )
            key_actions[team] = ideas[2]
            self.app.handle(
                c.DropAction(id=ideas[4], reason="Too big for this quarter; revisit in Q4."),
                item.actor,
            )
            plan = item.plan  # staked like the quarter's small bets, so no tangent
            span = None if plan.start is None or plan.target is None else plan.target - plan.start
            with contextlib.suppress(BudgetExceeded):  # a team whose budget is spent
                self.app.handle(
                    c.PlaceBet(
                        key_result_id=kr_id,
                        action_id=ideas[0],
                        title=IDEAS[0],
                        stake=5,
                        odds=0.5,
                        expected_impact=1.0 if span is None else round(span * 0.3, 2),
                    ),
                    item.actor,
                )
            self.app.handle(c.RankActions(key_result_id=kr_id, action_ids=ideas[1:4]), item.actor)
        for helper, owner, accepted in (("Platform", "Mobile", True), ("Sales", "Support", False)):
            if helper not in self.teams or owner not in key_actions:
                continue
            action_id = key_actions[owner]
            self.app.handle(
                c.OfferCollaboration(
                    action_id=action_id,
                    team_id=self.teams[helper],
                    note=f"{helper} has done this before and can lend a hand.",
                ),
                self.who(helper),
            )
            answer = c.AcceptCollaboration if accepted else c.DeclineCollaboration
            self.app.handle(
                answer(action_id=action_id, team_id=self.teams[helper]), self.who(owner)
            )
    # -- issue 14: a team renamed (its history keeps the old name) ------------------------

    def rename_team(self) -> None:
        """Customer Success becomes Customer Experience this week: the audit trail shows
        the rename; its objectives, people and history stay with the team."""
        self.clock.at(self.today, 19, 30)
        self.app.handle(
            c.RenameTeam(id=self.teams["Customer Success"], name="Customer Experience"),
            self.who("org"),
        )


def email(handle: str) -> str:
    return f"{handle}@acme-robotics.example"


def seed(app: Okra, clock: DemoClock) -> Demo:
    """Seed the demo; the seeded demo tells its event count and tokens."""
    demo = Demo(app, clock)
    demo.events = demo.seed()
    return demo
