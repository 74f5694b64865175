"""The alignment audit: exactly the expected findings, judged at a controlled "today"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager

from gateway.audit_settings import AuditSettings
from gateway.backend import make_app
from gateway.demo import DemoClock, seed
from gateway.http.app import create_app
from gateway.settings import Settings
from tests.support.api import Api
from tests.support.clock import Clock, clocked

AUDIT = """query($c: ID!, $t: ID, $sub: Boolean! = true) {
  alignmentAudit(cycleId: $c, teamId: $t, includeSubteams: $sub) {
    evaluatedOn cycle { name } team { name }
    counts { kind severity count }
    findings { kind severity entityType entityId message measured threshold
      team { name } objective { title }
      entity { __typename ... on Team { name } ... on Objective { title }
               ... on KeyResult { title } ... on Bet { title } } } } }"""


@pytest.fixture
async def audited(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The app on the test's clock, with the thresholds the test leaves at their defaults."""
    async with clocked(settings, clock) as api:
        yield api


@pytest.fixture
async def strict(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The app with lower overload limits: two objectives a team, three key results each."""
    configured = settings.model_copy(
        update={"audit": AuditSettings(max_objectives=2, max_key_results=3)}
    )
    async with clocked(configured, clock) as api:
        yield api


async def audit(api: Api, cycle: str, team: str | None = None, sub: bool = True) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(AUDIT, c=cycle, t=team, sub=sub))["alignmentAudit"]
    return result


def summary(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            f["kind"],
            f["severity"],
            f["entityType"],
            f["entity"].get("name") or f["entity"].get("title"),
        )
        for f in report["findings"]
    ]


def finding(report: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    for f in report["findings"]:
        if f["kind"] == kind and name in (f["entity"].get("name"), f["entity"].get("title")):
            return dict(f)
    raise AssertionError(f"no {kind} finding about {name}: {summary(report)}")


async def tagged(api: Api, objective: dict[str, Any], **tags: Any) -> None:
    if not tags:
        tags = {"values": ["Customer obsession"]}
    await api.mutate(
        "tagObjective", "version", id=objective["id"], expectedVersion=objective["version"], **tags
    )


async def bet(
    api: Api, key_result: str, title: str = "Pair with a customer", stake: float = 10, **extra: Any
) -> str:
    """A bet at odds 0.5 (10 person-days for 20 % of its key result in the tests below)."""
    return str((await api.bet(key_result, title=title, stake=stake, odds=0.5, **extra))["id"])


async def test_an_organisation_with_every_finding(strict: Api, clock: Clock) -> None:
    api = strict
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    sales = await api.team("Sales", org)
    support = await api.team("Support", sales)
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    await api.mutate("defineStrategyMap", "version", values=["Customer obsession"])

    company = await api.objective(q4, org, "Win mid-size retail", kind="COMMITTED")
    await tagged(api, company)
    arr = await api.key_result(company["id"], "ARR", startValue=0, targetValue=10)
    churn = await api.key_result(company["id"], "Churn", startValue=5, targetValue=2)

    product = await api.objective(q4, eng, "Ship what retail needs", parentKeyResultId=arr["id"])
    await tagged(api, product)
    krs = {
        title: (await api.key_result(product["id"], title, startValue=s, targetValue=t))["id"]
        for title, s, t in [
            ("Features shipped", 0, 10),
            ("Deploy time", 60, 10),
            ("Bugs fixed", 0, 10),
            ("Docs pages", 0, 10),
        ]
    }
    old = await api.objective(q4, eng, "Finish the old platform", parentKeyResultId=arr["id"])
    await tagged(api, old)
    old_kr = await api.key_result(old["id"], "Old platform live", startValue=0, targetValue=1)

    football = await api.objective(q4, sales, "Sponsor a football club")
    await tagged(api, football, constituents=["community"])
    fans = await api.key_result(football["id"], "Fans met", startValue=0, targetValue=10)
    joint = await api.objective(q4, sales, "Partner with Support", alignedWith=[product["id"]])
    calls = await api.key_result(joint["id"], "Joint calls", startValue=0, targetValue=10)
    for title in ("Answer fast", "Answer well", "Answer kindly"):
        await tagged(api, await api.objective(q4, support, title, parentKeyResultId=arr["id"]))

    await bet(api, churn["id"], expectedImpact=-1.2)
    await bet(api, krs["Features shipped"], expectedImpact=4)
    await bet(api, krs["Deploy time"], expectedImpact=-20)
    await bet(api, krs["Bugs fixed"], expectedImpact=4)
    await bet(api, old_kr["id"], "Keep the old team on it", expectedImpact=0.4)
    await bet(api, fans["id"], expectedImpact=4)
    await bet(api, calls["id"], expectedImpact=4)
    greedy = await bet(
        api, krs["Features shipped"], "Hire a sales army", stake=100, expectedImpact=4
    )
    await bet(api, churn["id"], "Reorganise the support rota", expectedImpact=1)
    await api.mutate(
        "updateObjective", "status", id=old["id"], expectedVersion=2, status="ARCHIVED"
    )

    clock.on("2026-10-20")
    await api.check_in(krs["Bugs fixed"], value=1)
    # A third of the quarter is 30⅓ days: on 31 October nothing is unserved yet.
    clock.on("2026-10-31")
    early = await audit(api, q4)
    assert "UNSERVED_KEY_RESULT" not in {f["kind"] for f in early["findings"]}

    clock.on("2026-11-15")
    await api.check_in(arr["id"], value=3, confidence=0.8)
    await api.check_in(churn["id"], value=4.5, confidence=0.3)
    for title in ("Features shipped", "Deploy time", "Docs pages"):
        await api.check_in(krs[title], value=30 if title == "Deploy time" else 4)
    await api.check_in(fans["id"], value=2)
    await api.check_in(calls["id"], value=2)

    clock.on("2026-11-20")
    report = await audit(api, q4)
    assert report["evaluatedOn"] == "2026-11-20" and report["team"] is None
    assert summary(report) == [
        ("COMMITTED_AT_RISK", "CRITICAL", "KEY_RESULT", "Churn"),
        ("TANGENT_BET", "CRITICAL", "BET", "Keep the old team on it"),
        ("TANGENT_BET", "CRITICAL", "BET", "Hire a sales army"),
        ("TANGENT_BET", "CRITICAL", "BET", "Reorganise the support rota"),
        ("ORPHAN_OBJECTIVE", "WARNING", "OBJECTIVE", "Sponsor a football club"),
        ("UNSERVED_KEY_RESULT", "WARNING", "KEY_RESULT", "Docs pages"),
        ("STALE_KEY_RESULT", "WARNING", "KEY_RESULT", "Bugs fixed"),
        ("OVERLOADED_TEAM", "WARNING", "TEAM", "Engineering"),
        ("OVERLOADED_TEAM", "WARNING", "TEAM", "Support"),
        ("UNTAGGED_OBJECTIVE", "INFO", "OBJECTIVE", "Partner with Support"),
    ]
    figures = {
        (f["kind"], f["entity"].get("name") or f["entity"]["title"]): (
            f["measured"],
            f["threshold"],
        )
        for f in report["findings"]
    }
    assert figures == {
        ("COMMITTED_AT_RISK", "Churn"): (0.3, 0.5),
        ("TANGENT_BET", "Keep the old team on it"): (None, None),
        ("TANGENT_BET", "Hire a sales army"): (10.0, 3.0),  # 500 vs a median of 50 a key result
        ("TANGENT_BET", "Reorganise the support rota"): (-0.167, 0.0),
        ("ORPHAN_OBJECTIVE", "Sponsor a football club"): (None, None),
        ("UNSERVED_KEY_RESULT", "Docs pages"): (0.549, 0.333),  # 50 of 91 days
        ("STALE_KEY_RESULT", "Bugs fixed"): (31.0, 14.0),
        ("OVERLOADED_TEAM", "Engineering"): (4.0, 3.0),
        ("OVERLOADED_TEAM", "Support"): (3.0, 2.0),
        ("UNTAGGED_OBJECTIVE", "Partner with Support"): (None, None),
    }
    stale = finding(report, "STALE_KEY_RESULT", "Bugs fixed")
    assert stale["team"] == {"name": "Engineering"}
    assert stale["objective"] == {"title": "Ship what retail needs"}
    assert "31 days" in stale["message"] and "record where it stands" in stale["message"]
    overloaded = finding(report, "OVERLOADED_TEAM", "Engineering")
    assert overloaded["objective"] == {"title": "Ship what retail needs"}
    assert "4 key results" in overloaded["message"]
    assert "archived" in finding(report, "TANGENT_BET", "Keep the old team on it")["message"]
    # An orphan's sentence points at the team above, whose key results it could serve.
    assert (
        "key result of Acme"
        in finding(report, "ORPHAN_OBJECTIVE", "Sponsor a football club")["message"]
    )
    assert report["counts"] == [
        {"kind": "COMMITTED_AT_RISK", "severity": "CRITICAL", "count": 1},
        {"kind": "TANGENT_BET", "severity": "CRITICAL", "count": 3},
        {"kind": "ORPHAN_OBJECTIVE", "severity": "WARNING", "count": 1},
        {"kind": "UNSERVED_KEY_RESULT", "severity": "WARNING", "count": 1},
        {"kind": "STALE_KEY_RESULT", "severity": "WARNING", "count": 1},
        {"kind": "OVERLOADED_TEAM", "severity": "WARNING", "count": 2},
        {"kind": "UNTAGGED_OBJECTIVE", "severity": "INFO", "count": 1},
    ]

    # One team, with the teams below it or alone.
    assert [(k, n) for k, _, _, n in summary(await audit(api, q4, sales))] == [
        ("ORPHAN_OBJECTIVE", "Sponsor a football club"),
        ("OVERLOADED_TEAM", "Support"),
        ("UNTAGGED_OBJECTIVE", "Partner with Support"),
    ]
    alone = await audit(api, q4, sales, sub=False)
    assert alone["team"] == {"name": "Sales"}
    assert [k for k, *_ in summary(alone)] == ["ORPHAN_OBJECTIVE", "UNTAGGED_OBJECTIVE"]

    # Findings are current state: acting on them makes them go away.
    await api.mutate("setCheckInCadence", "version", teamId=eng, days=45)
    await tagged(api, joint)
    await api.mutate("resolveBet", "status", id=greedy, outcome="WITHDRAWN")
    after = {(k, n) for k, _, _, n in summary(await audit(api, q4))}
    assert ("STALE_KEY_RESULT", "Bugs fixed") not in after
    assert ("UNTAGGED_OBJECTIVE", "Partner with Support") not in after
    assert ("TANGENT_BET", "Hire a sales army") not in after
    assert ("TANGENT_BET", "Keep the old team on it") in after

    error = await api.error('{ alignmentAudit(cycleId: "nope") { evaluatedOn } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "cycleId"}
    error = await api.error(AUDIT, c=q4, t="nope")
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "teamId"}


async def test_an_organisation_with_no_finding(audited: Api, clock: Clock) -> None:
    """At the default limits: five objectives a team and five key results an objective pass;
    archived objectives, withdrawn or resolved bets and aspirational doubts are no finding."""
    api = audited
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    sales = await api.team("Sales", org)
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    await api.mutate("defineStrategyMap", "version", values=["Customer obsession"])

    company = await api.objective(q4, org, "Win mid-size retail", kind="COMMITTED")
    await tagged(api, company, constituents=["customers"])
    arr = await api.key_result(company["id"], "ARR", startValue=0, targetValue=10)
    churn = await api.key_result(company["id"], "Churn", startValue=5, targetValue=2)
    await bet(api, churn["id"], expectedImpact=-1.2)

    product = await api.objective(q4, eng, "Ship what retail needs", parentKeyResultId=arr["id"])
    await tagged(api, product)
    product_krs = []
    for number in range(5):
        kr = await api.key_result(product["id"], f"Result {number}", startValue=0, targetValue=10)
        await bet(api, kr["id"], expectedImpact=4)
        product_krs.append(kr["id"])
    # A big stake that was resolved is history, not a tangent.
    await api.mutate(
        "resolveBet",
        "status",
        id=await bet(api, product_krs[0], "Hire an army", stake=500, expectedImpact=4),
        outcome="INVALIDATED",
    )
    for number in range(5):
        objective = await api.objective(
            q4, sales, f"Open vertical {number}", parentKeyResultId=arr["id"]
        )
        await tagged(api, objective, values=[], constituents=["customers"])
    dropped = await api.objective(q4, sales, "Sponsor a football club")  # orphan, untagged
    dropped_kr = await api.key_result(dropped["id"], "Fans met", startValue=0, targetValue=9)
    withdrawn = await bet(api, dropped_kr["id"], "Buy a box", stake=200, expectedImpact=1)
    await api.mutate("resolveBet", "status", id=withdrawn, outcome="WITHDRAWN")
    await api.mutate(
        "updateObjective", "status", id=dropped["id"], expectedVersion=1, status="ARCHIVED"
    )

    clock.on("2026-11-15")
    await api.check_in(arr["id"], value=4, confidence=0.9)
    await api.check_in(churn["id"], value=4, confidence=0.5)  # 0.5 is not below 0.5
    for kr in product_krs:
        await api.check_in(kr, value=4, confidence=0.1)  # doubts on an aspirational objective
    clock.on("2026-11-29")  # 14 days since the check-ins: not longer than the cadence

    report = await audit(api, q4)
    assert report["findings"] == [] and report["counts"] == []
    assert (await audit(api, q4, sales))["findings"] == []
    clock.on("2026-11-30")
    assert {f["kind"] for f in (await audit(api, q4))["findings"]} == {"STALE_KEY_RESULT"}


async def test_a_closed_cycle_is_judged_as_of_its_end(audited: Api, clock: Clock) -> None:
    api = audited
    org = await api.team("Acme")
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    objective = await api.objective(q4, org, "Win mid-size retail", kind="COMMITTED")
    kr = await api.key_result(objective["id"], "ARR", startValue=0, targetValue=10)
    placed = await bet(api, kr["id"], "Pilot with a grocer", expectedImpact=4)
    await api.check_in(kr["id"], value=1, confidence=0.4, asOf="2026-10-01")
    clock.on("2027-01-10")
    await api.mutate("closeCycle", "status", id=q4)

    report = await audit(api, q4)
    assert report["evaluatedOn"] == "2026-12-31"
    assert [(k, n) for k, _, _, n in summary(report)] == [
        ("COMMITTED_AT_RISK", "ARR"),
        ("TANGENT_BET", "Pilot with a grocer"),  # still placed on a closed objective
        ("STALE_KEY_RESULT", "ARR"),
    ]
    assert finding(report, "STALE_KEY_RESULT", "ARR")["measured"] == 91  # 1 Oct → 31 Dec
    assert "closed" in finding(report, "TANGENT_BET", "Pilot with a grocer")["message"]
    # Learning arrives late: resolving the bet clears the tangent, the history stays.
    await api.mutate("resolveBet", "status", id=placed, outcome="VALIDATED", actualImpact=2)
    assert [k for k, *_ in summary(await audit(api, q4))] == [
        "COMMITTED_AT_RISK",
        "STALE_KEY_RESULT",
    ]


async def test_the_demo_shows_a_strategy_map_and_realistic_findings(settings: Settings) -> None:
    demo_clock = DemoClock()
    seeded = make_app(settings, demo_clock)
    try:
        seed(seeded, demo_clock)
    finally:
        seeded.close()
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60) as manager,
        Api.connect(manager.app, app) as api,
    ):
        cycles = (await api.data("{ cycles { nodes { id name status } } }"))["cycles"]["nodes"]
        current = next(c["id"] for c in cycles if c["name"] == "2026-Q4" and c["status"] == "OPEN")
        found = {(k, n) for k, _, _, n in summary(await audit(api, current))}
        assert found >= {
            ("COMMITTED_AT_RISK", "Gross monthly churn"),
            ("TANGENT_BET", "Contract an agency for the rewrite"),
            ("ORPHAN_OBJECTIVE", "Rewrite the app in a new framework"),
            ("UNSERVED_KEY_RESULT", "Days to onboard a warehouse"),
            ("STALE_KEY_RESULT", "First response time"),
            ("UNTAGGED_OBJECTIVE", "Rewrite the app in a new framework"),
        }
        strategy = (
            await api.data(
                "query($c: ID!) { strategyMap(cycleId: $c) { values { name served } "
                "unserved { name } untaggedObjectives { title } } }",
                c=current,
            )
        )["strategyMap"]
        assert strategy["values"][:2] == [
            {"name": "Customer obsession", "served": True},
            {"name": "Safety first", "served": True},
        ]
        assert [e["name"] for e in strategy["unserved"]] == ["Frugality", "community", "partners"]
        assert strategy["untaggedObjectives"] == [{"title": "Rewrite the app in a new framework"}]

        # Some kinds, some severities, the first few: the same findings, in the same order.
        every = (await audit(api, current))["findings"]
        chosen = (
            await api.data(
                "query($c: ID!) { alignmentAudit(cycleId: $c) { counts { kind count } "
                "stale: findings(kinds: [STALE_KEY_RESULT, TANGENT_BET]) { kind entityId } "
                "urgent: findings(severities: [CRITICAL], first: 2) { kind entityId } "
                "none: findings(first: 0) { kind } } }",
                c=current,
            )
        )["alignmentAudit"]
        pairs = [{"kind": f["kind"], "entityId": f["entityId"]} for f in every]
        assert chosen["stale"] == [
            p for p in pairs if p["kind"] in ("STALE_KEY_RESULT", "TANGENT_BET")
        ]
        critical = [p for p, f in zip(pairs, every, strict=True) if f["severity"] == "CRITICAL"]
        assert chosen["urgent"] == critical[:2]
        assert len(chosen["urgent"]) == 2 and chosen["none"] == []
        assert sum(c["count"] for c in chosen["counts"]) == len(every)
        error = await api.error(
            "query($c: ID!) { alignmentAudit(cycleId: $c) { findings(first: -1) { kind } } }",
            c=current,
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}, error
        assert "first" in error["message"]
