"""Property-based fuzzing of every mutation's input through GraphQL.

Whatever a client sends, the answer is a proper GraphQL answer (never a 500 or an
unmasked fault), and the stored state never breaks a domain rule.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from typing import Any

import anyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.api import Api, mutation_names

EXAMPLES = int(os.environ.get("OKRA_FUZZ_EXAMPLES", "150"))
FUZZED: dict[str, int] = {}  # inputs tried per backend, for the closing note


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=250),
        st.sampled_from(["", " ", "\t\n", "x" * 200, "x" * 201, "🎯 Ziel", "' OR 1=1 --"]),
    )


def numbers() -> st.SearchStrategy[float]:
    return st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(10**6), max_value=10**6).map(float),
        st.sampled_from([0.0, -0.0, 1.0, 0.5, 1e308, -1e308, 1e-308, 100.0, 100.0001]),
        # issue 14's bounds: magnitudes at most 1e12, stakes/odds/impacts at least 1e-9
        st.sampled_from([1e12, -1e12, 1e12 + 1, -1.000001e12, 1e-9, -1e-9, 9.99e-10, 5e-324]),
    )


def dates() -> st.SearchStrategy[str]:
    today = date.today()
    return st.one_of(
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
        st.sampled_from([str(today), str(today + timedelta(days=2)), "2026-02-30", "nope"]),
        # issue 14's bounds: 1970-01-01 to 2199-12-31
        st.sampled_from(["1969-12-31", "1970-01-01", "2199-12-31", "2200-01-01"]),
    )


# Text that shows nothing: zero-width space, byte-order mark, bidi controls (issue 14).
INVISIBLE = st.text(
    alphabet=st.sampled_from(["\u200b", "\ufeff", "\u202a", "\u202e", "\u2066", "\u2069", " "]),
    min_size=1,
    max_size=6,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


class World:
    """Real entities to point at, so that fuzzed inputs also reach the domain rules."""

    def __init__(self) -> None:
        self.ids: dict[str, list[str]] = {}

    def ids_of(self, kind: str) -> st.SearchStrategy[str]:
        return st.one_of(st.sampled_from(self.ids[kind]), st.text(max_size=40))


async def build_world(api: Api) -> World:
    world = World()
    org = await api.team("Acme")
    team = await api.team("Platform", org)
    year = await api.year()
    quarter = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    objective = await api.objective(quarter, team)
    other = await api.objective(year, org, "Annual")
    metric = await api.key_result(objective["id"])
    milestones = await api.key_result(other["id"], "Ship", milestones=["a", "b", "c"])
    bet = await api.bet(metric["id"])
    # A graded quarter (for carry-overs and regrades) and one left open to be closed.
    graded = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    graded_objective = await api.objective(graded, team, "Last quarter")
    graded_key_result = await api.key_result(graded_objective["id"])
    await api.mutate("closeCycle", "id", id=graded)
    closable = await api.cycle("2026-Q2", "2026-04-01", "2026-06-30", year)
    await api.mutate("defineStrategyMap", "version", values=["Speed"])
    ada = await api.mutate("addPerson", "id", handle="ada", name="Ada", email="ada@x.example")
    bo = await api.mutate("addPerson", "id", handle="bo", name="Bo")
    await api.mutate("addMember", "id", teamId=team, personId=bo["id"], role="LEAD")
    source = await api.mutate(
        "connectDataSource",
        "id",
        keyResultId=metric["id"],
        kind="HTTP_JSON",
        schedule="1h",
        url="http://127.0.0.1:9/kpi.json",  # refused by the guard: a run calls nothing
        jsonPath="$.value",
    )
    hook = await api.mutate(  # webhooks (issue 16)
        "createWebhook", "id", url="https://93.184.215.14/h", eventTypes=["team.*"], teamId=team
    )
    world.ids = {
        "team": [org, team, await api.team("Idle", org)],
        "cycle": [year, quarter],
        "objective": [objective["id"], other["id"]],
        "key_result": [metric["id"], milestones["id"]],
        "bet": [bet["id"]],
        "closable": [closable],
        "graded_objective": [graded_objective["id"]],
        "graded_key_result": [graded_key_result["id"]],
        "person": [ada["id"], bo["id"]],
        "owned": [objective["id"], metric["id"], bet["id"]],
        "source": [source["id"]],
        "webhook": [hook["id"]],
        "delivery": [f"msg_{hook['id'].replace('-', '')}_1", "msg_0_1"],
    }
    world.ids["check_in"] = await corrigible_check_ins(api, metric["id"], milestones["id"])
    world.ids["removable"] = [(await api.key_result(objective["id"], "Spare"))["id"]]
    # Actions (issue 15): an idea, one of another team, and the action of the bet.
    idea = await api.mutate("proposeAction", "id", keyResultId=metric["id"], title="Idea")
    annual = await api.mutate("proposeAction", "id", keyResultId=milestones["id"], title="Other")
    held = await api.data("query($id: ID!) { bet(id: $id) { action { id } } }", id=bet["id"])
    world.ids["action"] = [idea["id"], annual["id"], held["bet"]["action"]["id"]]
    return world


async def corrigible_check_ins(api: Api, *key_results: str) -> list[str]:
    """Corrections (issue 14): check-ins to retract or correct, two per key result."""
    found = []
    for kr in key_results:
        for _ in range(2):
            answer = await api.mutate(
                "recordCheckIn",
                "measure checkIns(first: 1) { nodes { id } }",
                keyResultId=kr,
                **({"value": 30} if kr == key_results[0] else {"milestonesDone": 1}),
            )
            found.append(answer["checkIns"]["nodes"][0]["id"])
    return found


def handles() -> st.SearchStrategy[str]:
    return st.one_of(
        st.from_regex(r"[a-zA-Z0-9._-]{1,64}", fullmatch=True),
        st.sampled_from(["ada", "ADA", "bo", "x" * 65, "with space", "ümlaut", ""]),
        texts(),
    )


def emails() -> st.SearchStrategy[str | None]:
    return st.one_of(
        st.none(),
        st.emails().map(str),
        st.sampled_from(["ada@x.example", "ADA@X.EXAMPLE", "no-at-sign", "a@b", " "]),
        texts(),
    )


def mutations(world: World) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    inputs = inputs_of(world)
    return st.one_of(*(st.tuples(st.just(name), strategy) for name, strategy in inputs.items()))


def inputs_of(world: World) -> dict[str, st.SearchStrategy[dict[str, Any]]]:
    """Each mutation's inputs, as fuzzed (tests/e2e/test_field_names.py walks them too)."""
    w = world.ids_of
    versions = st.integers(min_value=-2, max_value=12)
    roles = st.sampled_from(["LEAD", "MEMBER", "CHAMPION"])
    people = st.lists(w("person"), max_size=3)
    owners = {"ownerId": maybe(w("person")), "contributorIds": maybe(people)}
    check_ins = st.one_of(
        w("check_in"),
        st.builds("{}@{}".format, w("key_result"), st.integers(min_value=-1, max_value=40)),
    )
    entries = st.one_of(st.sampled_from(["Speed", "speed", "customers", "Candour"]), texts())
    inputs = {
        "createTeam": st.fixed_dictionaries(
            {"name": texts()}, optional={"parentId": maybe(w("team")), "stakeUnit": texts()}
        ),
        "openCycle": st.fixed_dictionaries(
            {
                "name": texts(),
                "kind": st.sampled_from(["ANNUAL", "QUARTERLY"]),
                "startsOn": dates(),
                "endsOn": dates(),
            },
            optional={"parentId": maybe(w("cycle"))},
        ),
        "createObjective": st.fixed_dictionaries(
            {"cycleId": w("cycle"), "teamId": w("team"), "title": texts()},
            optional={
                "description": maybe(texts()),
                "kind": st.sampled_from(["COMMITTED", "ASPIRATIONAL"]),
                "parentKeyResultId": maybe(w("key_result")),
                "alignedWith": st.lists(w("objective"), max_size=3),
                **owners,
            },
        ),
        "updateObjective": st.fixed_dictionaries(
            {"id": w("objective"), "expectedVersion": versions},
            optional={
                "title": maybe(texts()),
                "description": maybe(texts()),
                "status": st.sampled_from(["ACTIVE", "ARCHIVED"]),
            },
        ),
        "alignObjective": st.fixed_dictionaries(
            {"id": w("objective"), "expectedVersion": versions},
            optional={
                "parentKeyResultId": maybe(w("key_result")),
                "alignedWith": st.lists(w("objective"), max_size=3),
            },
        ),
        "addKeyResult": st.fixed_dictionaries(
            {"objectiveId": w("objective"), "title": texts()},
            optional={
                "weight": numbers(),
                "startValue": maybe(numbers()),
                "targetValue": maybe(numbers()),
                "unit": maybe(texts()),
                "milestones": maybe(st.lists(texts(), max_size=4)),
                **owners,
            },
        ),
        "updateKeyResult": st.fixed_dictionaries(
            {"id": w("key_result"), "expectedVersion": versions},
            optional={
                "title": texts(),
                "weight": numbers(),
                "startValue": numbers(),
                "targetValue": numbers(),
                "reason": maybe(texts()),
            },
        ),
        "recordCheckIn": st.fixed_dictionaries(
            {"keyResultId": w("key_result")},
            optional={
                "value": maybe(numbers()),
                "milestonesDone": maybe(st.integers(min_value=-3, max_value=6)),
                "doneMilestones": maybe(st.lists(st.integers(min_value=-2, max_value=5))),
                "confidence": maybe(numbers()),
                "note": maybe(texts()),
                "asOf": maybe(dates()),
                "expectedVersion": maybe(versions),
            },
        ),
        "placeBet": st.fixed_dictionaries(
            {
                "keyResultId": w("key_result"),
                "title": texts(),
                "stake": numbers(),
                "odds": numbers(),
                "expectedImpact": numbers(),
            },
            optional={"hypothesis": maybe(texts()), **owners},
        ),
        "resolveBet": st.fixed_dictionaries(
            {"id": w("bet"), "outcome": st.sampled_from(["VALIDATED", "INVALIDATED", "WITHDRAWN"])},
            optional={"actualImpact": maybe(numbers()), "learning": maybe(texts())},
        ),
        "setStakeBudget": st.fixed_dictionaries(
            {"teamId": w("team"), "cycleId": w("cycle"), "budget": maybe(numbers())}
        ),
        "closeCycle": st.fixed_dictionaries(
            {"id": w("closable")}, optional={"expectedVersion": maybe(versions)}
        ),
        "defineStrategyMap": st.fixed_dictionaries(
            {},
            optional={
                "values": maybe(st.lists(entries, max_size=4)),
                "constituents": maybe(st.lists(entries, max_size=4)),
                "expectedVersion": maybe(versions),
            },
        ),
        "tagObjective": st.fixed_dictionaries(
            {"id": w("objective"), "expectedVersion": versions},
            optional={
                "values": maybe(st.lists(entries, max_size=3)),
                "constituents": maybe(st.lists(entries, max_size=3)),
            },
        ),
        "setCheckInCadence": st.fixed_dictionaries(
            {"teamId": w("team")},
            optional={
                "days": maybe(st.integers(min_value=-5, max_value=400)),
                "expectedVersion": maybe(versions),
            },
        ),
        "carryOverObjective": st.fixed_dictionaries(
            {"id": st.one_of(w("graded_objective"), w("objective")), "toCycleId": w("cycle")}
        ),
        "regradeKeyResult": st.fixed_dictionaries(
            {
                "id": st.one_of(w("graded_key_result"), w("key_result")),
                "grade": numbers(),
                "reason": texts(),
            },
            optional={"expectedVersion": maybe(versions)},
        ),
        "addPerson": st.fixed_dictionaries(
            {"handle": handles(), "name": texts()}, optional={"email": emails()}
        ),
        "updatePerson": st.fixed_dictionaries(
            {"id": w("person")},
            optional={"name": texts(), "email": emails(), "expectedVersion": maybe(versions)},
        ),
        "deactivatePerson": st.fixed_dictionaries({"id": w("person")}),
        "reactivatePerson": st.fixed_dictionaries({"id": w("person")}),
        "addMember": st.fixed_dictionaries(
            {"teamId": w("team"), "personId": w("person")}, optional={"role": roles}
        ),
        "changeMemberRole": st.fixed_dictionaries(
            {"teamId": w("team"), "personId": w("person"), "role": roles}
        ),
        "removeMember": st.fixed_dictionaries({"teamId": w("team"), "personId": w("person")}),
        "assignOwner": st.fixed_dictionaries(
            {"entityId": w("owned"), "ownerId": w("person")}, optional={"reason": maybe(texts())}
        ),
        "setContributors": st.fixed_dictionaries(
            {"entityId": w("owned"), "personIds": st.lists(w("person"), max_size=4)}
        ),
        # Corrections (issue 14)
        "retractCheckIn": st.fixed_dictionaries({"checkInId": check_ins, "reason": texts()}),
        "removeKeyResult": st.fixed_dictionaries(
            {
                "id": st.one_of(w("removable"), w("key_result")),
                "expectedVersion": versions,
                "reason": texts(),
            }
        ),
        "correctCheckIn": st.fixed_dictionaries(
            {"checkInId": check_ins, "reason": texts()},
            optional={
                "value": maybe(numbers()),
                "milestonesDone": maybe(st.integers(min_value=-3, max_value=6)),
                "doneMilestones": maybe(st.lists(st.integers(min_value=-2, max_value=5))),
                "confidence": maybe(numbers()),
                "note": maybe(texts()),
                "asOf": maybe(dates()),
            },
        ),
    }
    # issue 14: the tree's and the calendar's lifecycle
    inputs.update(
        {
            "renameTeam": st.fixed_dictionaries(
                {"id": w("team"), "name": st.one_of(texts(), INVISIBLE, st.just(" acme "))},
                optional={"expectedVersion": maybe(versions)},
            ),
            "moveTeam": st.fixed_dictionaries(
                {"id": w("team")},
                optional={"parentId": maybe(w("team")), "expectedVersion": maybe(versions)},
            ),
            "archiveTeam": st.fixed_dictionaries(
                {"id": w("team")}, optional={"expectedVersion": maybe(versions)}
            ),
            "renameCycle": st.fixed_dictionaries(
                {"id": w("cycle"), "name": st.one_of(texts(), INVISIBLE, st.just("2026 "))},
                optional={"expectedVersion": maybe(versions)},
            ),
            "cancelCycle": st.fixed_dictionaries(
                {"id": st.one_of(w("cycle"), w("closable"))},
                optional={"expectedVersion": maybe(versions)},
            ),
        }
    )
    # Actions (issue 15).
    sizes = st.one_of(st.none(), st.sampled_from(["XS", "S", "M", "L", "XL"]))
    inputs["placeBet"] = st.fixed_dictionaries(
        {
            "keyResultId": w("key_result"),
            "title": texts(),
            "stake": numbers(),
            "odds": numbers(),
            "expectedImpact": numbers(),
        },
        optional={"hypothesis": maybe(texts()), "actionId": maybe(w("action")), **owners},
    )
    inputs |= {
        "proposeAction": st.fixed_dictionaries(
            {"keyResultId": w("key_result"), "title": texts()},
            optional={
                "hypothesis": maybe(texts()),
                "description": maybe(texts()),
                "size": sizes,
                "key": st.booleans(),
                "stake": maybe(numbers()),
                "odds": maybe(numbers()),
                "expectedImpact": maybe(numbers()),
            },
        ),
        "updateAction": st.fixed_dictionaries(
            {"id": w("action")},
            optional={
                "title": texts(),
                "hypothesis": maybe(texts()),
                "size": sizes,
                "key": maybe(st.booleans()),
                "odds": maybe(numbers()),
                "expectedVersion": maybe(versions),
            },
        ),
        "dropAction": st.fixed_dictionaries(
            {"id": w("action"), "reason": texts()}, optional={"expectedVersion": maybe(versions)}
        ),
        "rankActions": st.fixed_dictionaries(
            {"keyResultId": w("key_result"), "actionIds": st.lists(w("action"), max_size=4)}
        ),
        "offerCollaboration": st.fixed_dictionaries(
            {"actionId": w("action"), "teamId": w("team")},
            optional={"note": maybe(texts()), "personId": maybe(w("person"))},
        ),
        "acceptCollaboration": st.fixed_dictionaries(
            {"actionId": w("action"), "teamId": w("team")}
        ),
        "declineCollaboration": st.fixed_dictionaries(
            {"actionId": w("action"), "teamId": w("team")}
        ),
    }
    # data sources (issue 17): URLs only of addresses the guard refuses, no DNS.
    urls = st.one_of(
        st.sampled_from(
            ["http://127.0.0.1:9/kpi.json", "http://169.254.169.254/latest", "ftp://x", ""]
        ),
        texts(),
    )
    source_settings = {
        "schedule": maybe(st.one_of(st.sampled_from(["15m", "1d", "0m", "32d", "daily"]), texts())),
        "url": maybe(urls),
        "jsonPath": maybe(st.one_of(st.sampled_from(["$.value", "$[[", "$..x"]), texts())),
        "query": maybe(texts()),
        "headerName": maybe(st.one_of(st.sampled_from(["Authorization", "X Bad"]), texts())),
        "secret": maybe(texts()),
        "dsn": maybe(st.one_of(st.just("postgresql://127.0.0.1:9/db"), texts())),
    }
    kinds = st.sampled_from(["HTTP_JSON", "POSTGRES_QUERY", "PROMETHEUS", "PUSH"])
    inputs.update(
        {
            "connectDataSource": st.fixed_dictionaries(
                {"keyResultId": w("key_result"), "kind": kinds}, optional=source_settings
            ),
            "updateDataSource": st.fixed_dictionaries(
                {"id": w("source")},
                optional={**source_settings, "expectedVersion": maybe(versions)},
            ),
            "disconnectDataSource": st.fixed_dictionaries({"id": w("source")}),
            "runDataSource": st.fixed_dictionaries({"id": w("source")}),
        }
    )
    # webhooks (issue 16)
    urls = st.one_of(
        st.sampled_from(
            ["https://93.184.215.14/h", "http://127.0.0.1/x", "http://[::1]/", "ftp://a", "x"]
        ),
        texts(),
    )
    patterns = st.lists(
        st.one_of(st.sampled_from(["*", "team.*", "objective.check_in_recorded", "a.**"]), texts()),
        max_size=4,
    )
    formats = st.sampled_from(["JSON", "SLACK"])
    inputs |= {
        "createWebhook": st.fixed_dictionaries(
            {"url": urls, "eventTypes": patterns},
            optional={
                "teamId": maybe(w("team")),
                "includeSubteams": st.booleans(),
                "format": formats,
                "description": maybe(texts()),
            },
        ),
        "updateWebhook": st.fixed_dictionaries(
            {"id": w("webhook")},
            optional={
                "url": urls,
                "eventTypes": patterns,
                "format": formats,
                "enabled": st.booleans(),
                "description": maybe(texts()),
            },
        ),
        "disableWebhook": st.fixed_dictionaries(
            {"id": w("webhook")}, optional={"reason": maybe(texts())}
        ),
        "rotateWebhookSecret": st.fixed_dictionaries({"id": w("webhook")}),
        "redeliver": st.fixed_dictionaries({"deliveryId": w("delivery")}),
        # notices (issue 16)
        "setDigestSchedule": st.fixed_dictionaries(
            {"teamId": w("team")},
            optional={
                "weekday": maybe(st.integers(min_value=-3, max_value=10)),
                "hour": maybe(st.integers(min_value=-3, max_value=30)),
                "expectedVersion": maybe(versions),
            },
        ),
        "setNotificationPreferences": st.fixed_dictionaries(
            {"personId": w("person")},
            optional={
                "mutedChannels": st.lists(
                    st.sampled_from(["EMAIL", "WEBHOOK", "SMS", ""]), max_size=4
                )
            },
        ),
    }
    assert set(inputs) == mutation_names(), "every mutation is fuzzed"
    return inputs


STATE = """{ objectives(first: 100) { nodes { title score kind owner { active }
    keyResults { weight score confidence finalGrade asOf owner { id } }
    bets { stake odds status teamId cycleId } } }
    teams(first: 100, status: ALL) { nodes { id name parent { id } digestWeekday digestHour } }
    cycles(first: 100) { nodes { id name kind startsOn endsOn parent { id
    startsOn endsOn } } } people(first: 100) { nodes { handle name email
    memberships { team { id } } } } }"""
HANDLE = re.compile(r"[a-z0-9._-]{1,64}")


async def check_invariants(api: Api) -> None:
    state = await api.data(STATE)
    latest = date.today() + timedelta(days=1)
    for objective in state["objectives"]["nodes"]:
        assert (
            1 <= len(objective["title"]) <= 200 and objective["title"] == objective["title"].strip()
        )
        assert objective["score"] is None or 0 <= objective["score"] <= 1
        for kr in objective["keyResults"]:
            assert 0 < kr["weight"] <= 100
            assert 0 <= kr["score"] <= 1
            assert kr["confidence"] is None or 0 <= kr["confidence"] <= 1
            assert kr["finalGrade"] is None or 0 <= kr["finalGrade"] <= 1
            assert kr["asOf"] is None or date.fromisoformat(kr["asOf"]) <= latest
        for bet in objective["bets"]:
            assert 1e-9 <= bet["stake"] <= 1e12 and 1e-9 <= bet["odds"] <= 1
    for team in state["teams"]["nodes"]:
        assert 1 <= len(team["name"]) <= 200
        assert 1 <= team["digestWeekday"] <= 7 and 0 <= team["digestHour"] <= 23
    check_tree_and_calendar(state)
    people = state["people"]["nodes"]
    emails = [p["email"].casefold() for p in people if p["email"]]
    assert len(emails) == len(set(emails)), "an email is unique, ignoring case"
    for person in people:
        assert HANDLE.fullmatch(person["handle"]) and 1 <= len(person["name"]) <= 200
        teams = [m["team"]["id"] for m in person["memberships"]]
        assert len(teams) == len(set(teams)), "one role per team"
    for cycle in state["cycles"]["nodes"]:
        assert cycle["startsOn"] <= cycle["endsOn"]
        parent = cycle["parent"]
        if parent:
            assert parent["startsOn"] <= cycle["startsOn"] <= cycle["endsOn"] <= parent["endsOn"]


async def test_fuzz_every_mutation(api: Api) -> None:
    world = await build_world(api)
    backend = "postgres" if api.backend.settings.database_url else "sqlite"
    outcomes: dict[str, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(mutations(world))
    def fuzz(case: tuple[str, dict[str, Any]]) -> None:
        anyio.from_thread.run(attempt, *case)

    async def attempt(operation: str, input: dict[str, Any]) -> None:
        FUZZED[backend] = FUZZED.get(backend, 0) + 1
        input_type = operation[0].upper() + operation[1:] + "Input"
        response = await api.client.post(
            "/graphql",
            json={
                "query": f"mutation($i: {input_type}!) {{ {operation}(input: $i) "
                "{ __typename } }",
                "variables": {"i": input},
            },
            headers=await api.headers(None, None),
        )
        assert response.status_code in (200, 400), response.text
        errors = response.json().get("errors") or []
        outcome = errors[0].get("extensions", {}).get("code", "?") if errors else "applied"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        for error in errors:
            assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (
                operation,
                input,
                error,
            )
        await check_invariants(api)

    # Hypothesis drives a worker thread; each example runs on the test's event loop.
    await anyio.to_thread.run_sync(fuzz)
    assert FUZZED[backend] >= EXAMPLES
    # The fuzzing reached the domain: some inputs were applied, some refused by its rules.
    assert outcomes.get("applied", 0) > 0 and outcomes.get("BAD_USER_INPUT", 0) > 0, outcomes


def check_tree_and_calendar(state: dict[str, Any]) -> None:
    """issue 14: team names unique ignoring case and space, no loop in the tree; cycle
    names unique, dates in 1970–2199, no two quarters of a year (or years) overlapping."""
    teams = state["teams"]["nodes"]
    names = [t["name"].strip().casefold() for t in teams]
    assert len(names) == len(set(names)), "a team name is unique, ignoring case"
    parent = {t["id"]: (t["parent"] or {}).get("id") for t in teams}
    for team in parent:
        seen: set[str] = set()
        current: str | None = team
        while current is not None:
            assert current not in seen, "the team tree has a loop"
            seen.add(current)
            current = parent.get(current)
    cycles = state["cycles"]["nodes"]
    cycle_names = [c["name"].strip().casefold() for c in cycles]
    assert len(cycle_names) == len(set(cycle_names)), "a cycle name is unique"
    for cycle in cycles:
        assert "1970-01-01" <= cycle["startsOn"] <= cycle["endsOn"] <= "2199-12-31"
        for other in cycles:
            same = cycle["kind"] == other["kind"] and cycle["parent"] == other["parent"]
            if other is not cycle and same:
                apart = cycle["endsOn"] < other["startsOn"] or other["endsOn"] < cycle["startsOn"]
                assert apart, (cycle, other)
