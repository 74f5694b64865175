"""Who may change what: every mutation × every role × own or other team."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.builders import Org, organisation
from tests.support.api import Api, mutation_names


async def objective_of(api: Api, org: Org, team: str) -> dict[str, Any]:
    return await api.objective(org.year, team)


async def key_result_of(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await objective_of(api, org, team)
    return await api.key_result(objective["id"])


NAMES = itertools.count(1)

# Each case: how to build the input of the mutation against a given team's OKRs.
Setup = Callable[[Api, Org, str], Awaitable[dict[str, Any]]]


async def create_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"cycleId": org.year, "teamId": team, "title": "New"}


async def update_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await objective_of(api, org, team)
    return {"id": objective["id"], "expectedVersion": 1, "title": "Renamed"}


async def align_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await objective_of(api, org, team)
    return {"id": objective["id"], "expectedVersion": 1, "alignedWith": []}


async def add_key_result(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await objective_of(api, org, team)
    return {"objectiveId": objective["id"], "title": "KR", "startValue": 0, "targetValue": 1}


async def update_key_result(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {"id": kr["id"], "expectedVersion": 1, "weight": 2}


async def record_check_in(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {"keyResultId": kr["id"], "value": 30}


async def place_bet(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {"keyResultId": kr["id"], "title": "Bet", "stake": 1, "odds": 0.5, "expectedImpact": 1}


async def resolve_bet(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    bet = await api.bet(kr["id"])
    return {"id": bet["id"], "outcome": "VALIDATED", "learning": "It worked"}


async def set_stake_budget(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"teamId": team, "cycleId": org.year, "budget": 50}


async def closed_quarter_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    """An objective of the team with a key result, in a quarter that closed since."""
    number = next(NAMES)
    quarter = await api.cycle(f"Sprint {number}", "2026-01-01", "2026-03-31", org.year)
    objective = await api.objective(quarter, team)
    await api.key_result(objective["id"])
    await api.mutate("closeCycle", "id", id=quarter)
    return objective


async def carry_over_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await closed_quarter_objective(api, org, team)
    later = await api.cycle(f"Sprint {next(NAMES)}", "2026-04-01", "2026-06-30", org.year)
    return {"id": objective["id"], "toCycleId": later}


async def regrade_key_result(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await closed_quarter_objective(api, org, team)
    kr = f"{objective['id']}.1"
    return {"id": kr, "grade": 0.5, "reason": "Late numbers"}


async def tag_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    await api.mutate("defineStrategyMap", "version", values=["Speed"])
    objective = await objective_of(api, org, team)
    return {"id": objective["id"], "expectedVersion": 1, "values": ["Speed"]}


async def set_check_in_cadence(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"teamId": team, "days": 7}


TEAM_SCOPED: dict[str, Setup] = {
    "createObjective": create_objective,
    "updateObjective": update_objective,
    "alignObjective": align_objective,
    "addKeyResult": add_key_result,
    "updateKeyResult": update_key_result,
    "recordCheckIn": record_check_in,
    "placeBet": place_bet,
    "resolveBet": resolve_bet,
    "setStakeBudget": set_stake_budget,
    "carryOverObjective": carry_over_objective,
    "regradeKeyResult": regrade_key_result,
    "tagObjective": tag_objective,
    "setCheckInCadence": set_check_in_cadence,
}


async def create_team(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"name": "New team", "parentId": org.org}


async def open_cycle(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {
        "name": f"Sprint {next(NAMES)}",
        "kind": "QUARTERLY",
        "startsOn": "2026-10-01",
        "endsOn": "2026-12-31",
        "parentId": org.year,
    }


async def close_cycle(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await api.cycle(f"Sprint {next(NAMES)}", "2026-01-01", "2026-03-31", org.year)}


async def define_strategy_map(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"values": [f"Value {next(NAMES)}"]}


async def add_person(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"handle": f"new.{next(NAMES)}", "name": "New"}


ADMIN_ONLY: dict[str, Setup] = {
    "createTeam": create_team,
    "defineStrategyMap": define_strategy_map,
    "openCycle": open_cycle,
    "closeCycle": close_cycle,
    "addPerson": add_person,
}


def test_the_matrix_covers_every_mutation() -> None:
    assert set(TEAM_SCOPED) | set(ADMIN_ONLY) == mutation_names()
    assert not set(TEAM_SCOPED) & set(ADMIN_ONLY)


async def attempt(api: Api, operation: str, token: str, input: dict[str, Any]) -> str | None:
    """The error code the mutation answered with, or None if it was applied."""
    head = api.backend.app.recorder.max_notification_id()
    input_type = operation[0].upper() + operation[1:] + "Input"
    body = await api.post(
        f"mutation($input: {input_type}!) {{ {operation}(input: $input) {{ __typename }} }}",
        {"input": input},
        token=token,
    )
    if body.get("errors"):
        assert api.backend.app.recorder.max_notification_id() == head, "a refusal appended"
        code: str = body["errors"][0]["extensions"]["code"]
        return code
    return None


@pytest.fixture
async def matrix(api: Api) -> tuple[Api, Org, dict[str, str]]:
    org = await organisation(api)
    tokens = {
        "admin": await api.token("ada", "admin"),
        "member": await api.token("mel", "member", org.own_dept),
        "viewer": await api.token("vic", "viewer"),
    }
    return api, org, tokens


async def test_every_team_scoped_mutation_for_every_role(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    api, org, tokens = matrix
    checked = 0
    for operation, setup in TEAM_SCOPED.items():
        for role, token in tokens.items():
            for whose, team in (("own", org.own_team), ("other", org.other)):
                expected = (
                    None
                    if role == "admin" or (role == "member" and whose == "own")
                    else "FORBIDDEN"
                )
                input = await setup(api, org, team)
                assert await attempt(api, operation, token, input) == expected, (
                    operation,
                    role,
                    whose,
                )
                checked += 1
    assert checked == len(TEAM_SCOPED) * 3 * 2


async def test_organisation_level_mutations_need_an_admin(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    api, org, tokens = matrix
    for operation, setup in ADMIN_ONLY.items():
        for role, token in tokens.items():
            input = await setup(api, org, role)
            expected = None if role == "admin" else "FORBIDDEN"
            assert await attempt(api, operation, token, input) == expected, (operation, role)


async def test_members_and_viewers_read_everything(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    api, org, tokens = matrix
    await objective_of(api, org, org.other)
    for token in tokens.values():
        data = await api.data("{ objectives { totalCount } teams { totalCount } }", token=token)
        assert data == {"objectives": {"totalCount": 1}, "teams": {"totalCount": 4}}


async def test_events_name_the_authenticated_person(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    api, org, tokens = matrix
    objective = await api.mutate(
        "createObjective",
        "createdBy",
        token=tokens["member"],
        cycleId=org.year,
        teamId=org.own_team,
        title="Mine",
    )
    assert objective["createdBy"] == "mel"
