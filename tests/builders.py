"""Organisations for the tests to work on, built in one place.

At the three levels a test may need one:

- :class:`Aggregates`: the domain's aggregates in memory, made by their own methods
  (so the domain's rules apply), with the events they recorded in order. For the
  projection handlers (unit) and the projector on both stores (integration).
- :func:`make_key_results`: through the application's commands, for tests of the command
  side and the stores that need no gateway.
- :func:`organisation`: through GraphQL, as a user builds one (end to end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from domain.application import commands as c
from domain.model.base import OkraAggregate, Stamp
from domain.model.bet import Bet
from domain.model.cycle import Cycle
from domain.model.data_source import DataSource, SourceKind, settings_for
from domain.model.objective import KeyResult, Objective
from domain.model.person import Person
from domain.model.portfolio import Portfolio
from domain.model.strategy import StrategyMap
from domain.model.team import Team
from domain.model.token import ApiToken
from domain.model.webhook import Webhook, WebhookFormat

if TYPE_CHECKING:  # the in-memory builder needs neither, and the unit tier loads it
    from domain.application.okra import Okra
    from tests.support.api import Api

A = TypeVar("A", bound=OkraAggregate)

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


class Aggregates:
    """An organisation as aggregates in memory; ``events`` holds what they recorded.

    Every aggregate a test changes goes through :meth:`made`, which takes its new
    events in the order they happened, the order the log would hold them in, and
    keeps the aggregate by id (in ``aggregates``) to compare documents with.
    """

    def __init__(self, actor: str = "ann", at: datetime = datetime(2026, 3, 2, 9, tzinfo=UTC)):
        self.stamp = Stamp(actor, at)
        self.events: list[OkraAggregate.Event] = []
        self.aggregates: dict[UUID, OkraAggregate] = {}

    def made(self, aggregate: A) -> A:
        self.events.extend(aggregate.collect_events())
        self.aggregates[aggregate.id] = aggregate
        return aggregate

    def later(self, actor: str | None = None, **delta: float) -> Stamp:
        """Move the clock on (a minute by default), as ``actor`` from now on if given."""
        self.stamp = Stamp(
            actor or self.stamp.actor, self.stamp.at + timedelta(**(delta or {"minutes": 1}))
        )
        return self.stamp

    def team(self, name: str = "Acme", parent: Team | None = None) -> Team:
        return self.made(
            Team.create(
                self.stamp, name=name, parent_id=parent.id if parent else None, stake_unit="points"
            )
        )

    def person(self, handle: str, *teams: tuple[Team, str]) -> Person:
        """A person (named after their handle), in those teams with those roles."""
        person = Person.add(self.stamp, handle=handle, name=handle.title(), email=None)
        for team, role in teams:
            person.join(self.stamp, str(team.id), role)
        return self.made(person)

    def year(self, name: str = "2026") -> Cycle:
        starts_on, ends_on = YEAR
        return self.made(
            Cycle.open(
                self.stamp,
                name=name,
                kind="ANNUAL",
                parent_id=None,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )

    def objective(self, cycle: Cycle, team: Team, title: str = "Delight customers") -> Objective:
        return self.made(
            Objective.create(
                self.stamp,
                cycle_id=cycle.id,
                team_id=team.id,
                title=title,
                description=None,
                kind="COMMITTED",
                parent_key_result_id=None,
                aligned_with=[],
            )
        )

    def key_result(
        self,
        objective: Objective,
        title: str = "NPS",
        start: float = 0,
        target: float = 100,
        **extra: Any,
    ) -> KeyResult:
        key_result = objective.add_key_result(
            self.stamp, title=title, start_value=start, target_value=target, **extra
        )
        self.made(objective)
        return key_result

    def first_key_result(self) -> tuple[Team, Cycle, Objective, KeyResult]:
        """Acme, the 2026 year, an objective of Acme's and its key result (0 → 100)."""
        team, year = self.team(), self.year()
        objective = self.objective(year, team)
        return team, year, objective, self.key_result(objective)

    def bet(
        self, objective: Objective, key_result: KeyResult, stake: float, title: str = "Spike"
    ) -> Bet:
        return self.made(
            Bet.place(
                self.stamp,
                key_result_id=key_result.id,
                objective_id=str(objective.id),
                team_id=objective.team_id,
                cycle_id=objective.cycle_id,
                title=title,
                hypothesis=None,
                stake=stake,
                odds=0.5,
                expected_impact=10,
            )
        )

    def portfolio(self, team: Team, cycle: Cycle, budget: float) -> Portfolio:
        portfolio = Portfolio.open(self.stamp, team_id=team.id, cycle_id=cycle.id)
        portfolio.set_budget(self.stamp, budget, "points")
        return self.made(portfolio)

    def check_in(self, objective: Objective, key_result: KeyResult, value: float) -> None:
        objective.record_check_in(
            self.stamp,
            key_result.id,
            expected_version=None,
            value=value,
            milestones_done=None,
            confidence=None,
            note=None,
            as_of=None,
        )
        self.made(objective)


def year_of_work() -> Aggregates:
    """A year of an organisation's work in memory, touching every kind of document:
    a team tree, a year and its successor, objectives with metric and milestone key
    results, check-ins, edits and a target change, the strategy map and tags, bets
    and their portfolio, grading at close, a regrade, a carry-over, and a token
    issued and revoked, a data source that failed, ran and was rescheduled."""
    org = Aggregates()
    acme = org.team("Acme")
    platform = org.team("Platform", acme)
    bob = org.person("bob", (platform, "LEAD"), (acme, "MEMBER"))
    year = org.year()
    strategy = org.made(StrategyMap.define(org.stamp, values=["Trust"], constituents=["Customers"]))
    grow = org.objective(year, acme, "Grow")
    arr = org.key_result(grow, "ARR", start=0, target=10, owner_id=str(bob.id))
    launch = grow.add_key_result(org.stamp, title="Launch", milestones=["Beta", "GA"])
    ship = org.objective(year, platform, "Ship")
    uptime = org.key_result(ship, "Uptime", start=90, target=99, weight=2)
    org.made(grow)
    org.later(actor="bob", days=7)
    org.check_in(grow, arr, 3)
    grow.record_check_in(
        org.stamp,
        launch.id,
        expected_version=None,
        value=None,
        milestones_done=1,
        confidence=0.8,
        note="Beta is out",
        as_of=None,
    )
    grow.update_key_result(
        org.later(), arr.id, expected_version=None, target_value=8, reason="Budget cut"
    )
    grow.tag(org.stamp, expected_version=None, values=["Trust"])
    org.made(grow)
    strategy.revise(org.later(), values=["Trust", "Speed"], constituents=["Customers"])
    org.made(strategy)
    ship.update(org.stamp, expected_version=None, title="Ship weekly", kind="ASPIRATIONAL")
    ship.assign_owner(org.stamp, owner_id=str(bob.id), reason="Bob leads Platform")
    bob.change_role(org.stamp, str(acme.id), "CHAMPION")
    bob.leave(org.stamp, str(platform.id))
    org.made(bob)
    org.check_in(ship, uptime, 95)
    portfolio = org.portfolio(platform, year, budget=50)
    bet = org.bet(ship, uptime, stake=20, title="Canary releases")
    portfolio.commit(org.stamp, bet.id, bet.stake, "points")
    org.made(portfolio)
    bet.resolve(
        org.later(days=30),
        expected_version=None,
        outcome="VALIDATED",
        actual_impact=2,
        learning="Canaries catch most",
    )
    org.made(bet)
    token = org.made(
        ApiToken.issue(org.stamp, user="bob", role="member", team_ids=[], label="", secret="x")
    )
    token.revoke(org.later())
    org.made(token)
    source = org.made(
        DataSource.connect(
            org.stamp,
            key_result_id=uptime.id,
            objective_id=str(ship.id),
            team_id=str(platform.id),
            cycle_id=str(year.id),
            kind=SourceKind.HTTP_JSON,
            settings=settings_for(
                SourceKind.HTTP_JSON,
                schedule="1d",
                url="https://status.example/uptime.json",
                json_path="$.uptime",
                query=None,
                header_name=None,
                has_secret=False,
            ),
            sealed_secret=None,
        )
    )
    source.failed(org.later(), "status.example answered HTTP 503")
    source.ran(org.later(), value=96, recorded=False, origin="https://status.example")
    source.update(
        org.stamp, expected_version=None, proposed={"schedule": "6h"}, sealed_secret=None
    )
    org.made(source)
    # A webhook (issue 16): registered, changed, its secret rotated, disabled.
    webhook = org.made(
        Webhook.create(
            org.stamp,
            url="https://hooks.example/okra",
            event_types=["objective.*"],
            team_id=str(platform.id),
            include_subteams=True,
            format=WebhookFormat.SLACK,
            description="",
        )
    )
    webhook.update(org.later(), event_types=["*"])
    webhook.rotate_secret(org.stamp)
    webhook.disable(org.stamp, "moved to another channel")
    org.made(webhook)
    org.later(days=300)
    for objective in (grow, ship):
        objective.grade_at_close(org.stamp, "2026")
        org.made(objective)
    year.close(org.stamp)
    org.made(year)
    ship.regrade_key_result(
        org.later(), uptime.id, expected_version=None, grade=1.0, reason="Late data"
    )
    org.made(ship)
    next_year = org.year("2027")
    again = Objective.carry_over(
        org.later(), grow, cycle_id=next_year.id, parent_key_result_id=None, aligned_with=[]
    )
    grow.carry_forward(org.stamp, again)
    for aggregate in (again, grow):
        org.made(aggregate)
    return org


def make_key_results(
    app: Okra, objectives: int, per_objective: int = 1, *, budget: float | None = None
) -> list[str]:
    """One team, the 2026 year (with that stake budget, if any) and ``objectives``
    objectives of ``per_objective`` metric key results each (0 → 100), made through
    the application's commands: the key results' ids."""
    team = app.handle(c.CreateTeam(name="Team"), "tests").id
    starts_on, ends_on = YEAR
    year = app.handle(
        c.OpenCycle(name="2026", kind="ANNUAL", starts_on=starts_on, ends_on=ends_on), "tests"
    ).id
    if budget is not None:
        app.handle(c.SetStakeBudget(team_id=team, cycle_id=year, budget=budget), "tests")
    made = []
    for n in range(objectives):
        objective = app.handle(
            c.CreateObjective(cycle_id=year, team_id=team, title=f"O{n}"), "tests"
        ).id
        for k in range(per_objective):
            made.append(
                app.handle(
                    c.AddKeyResult(
                        objective_id=objective, title=f"KR {k}", start_value=0, target_value=100
                    ),
                    "tests",
                ).id
            )
    return made


@dataclass
class Org:
    """Own and other teams at each level, for rules that depend on where one sits."""

    org: str  # Acme
    own_dept: str  # Engineering, below Acme
    own_team: str  # Platform, below Engineering: members of the department may change it
    other: str  # Sales, below Acme
    year: str  # 2026


async def organisation(api: Api) -> Org:
    """The :class:`Org` and its year, made through GraphQL."""
    org = await api.team("Acme")
    own_dept = await api.team("Engineering", org)
    own_team = await api.team("Platform", own_dept)
    other = await api.team("Sales", org)
    return Org(org, own_dept, own_team, other, await api.year())
