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
    )


def dates() -> st.SearchStrategy[str]:
    today = date.today()
    return st.one_of(
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
        st.sampled_from([str(today), str(today + timedelta(days=2)), "2026-02-30", "nope"]),
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
    world.ids = {
        "team": [org, team],
        "cycle": [year, quarter],
        "objective": [objective["id"], other["id"]],
        "key_result": [metric["id"], milestones["id"]],
        "bet": [bet["id"]],
        "closable": [closable],
        "graded_objective": [graded_objective["id"]],
        "graded_key_result": [graded_key_result["id"]],
        "person": [ada["id"], bo["id"]],
        "owned": [objective["id"], metric["id"], bet["id"]],
    }
    world.ids["check_in"] = await corrigible_check_ins(api, metric["id"], milestones["id"])
    world.ids["removable"] = [(await api.key_result(objective["id"], "Spare"))["id"]]
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
    assert set(inputs) == mutation_names(), "every mutation is fuzzed"
    return st.one_of(*(st.tuples(st.just(name), strategy) for name, strategy in inputs.items()))


STATE = """{ objectives(first: 100) { nodes { title score kind owner { active }
    keyResults { weight score confidence finalGrade asOf owner { id } }
    bets { stake odds status teamId cycleId } } }
    teams(first: 100) { nodes { id name } } cycles { nodes { id startsOn endsOn parent {
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
            assert bet["stake"] > 0 and 0 < bet["odds"] <= 1
    for team in state["teams"]["nodes"]:
        assert 1 <= len(team["name"]) <= 200
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
