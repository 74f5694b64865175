"""Who may change what: every mutation × every role × own or other team, for tokens of
people (leads, members, champions, owners, the deactivated) and tokens from before people
existed (team flags)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest

from domain.application import commands as c
from gateway.settings import Settings
from tests.builders import Org, organisation
from tests.support.api import Api, mutation_names, running


async def objective_of(api: Api, org: Org, team: str) -> dict[str, Any]:
    return await api.objective(org.year, team)


async def key_result_of(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await objective_of(api, org, team)
    return await api.key_result(objective["id"])


NAMES = itertools.count(1)
# Quarters of a year may not overlap: each sprint a quarter of its own days of 2026.
DAYS = itertools.count(0)


async def sprint(api: Api, org: Org) -> str:
    day = str(date(2026, 1, 1) + timedelta(days=next(DAYS) % 365))
    return await api.cycle(f"Sprint {next(NAMES)}", day, day, org.year)


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
    quarter = await sprint(api, org)
    objective = await api.objective(quarter, team)
    await api.key_result(objective["id"])
    await api.mutate("closeCycle", "id", id=quarter)
    return objective


async def carry_over_objective(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await closed_quarter_objective(api, org, team)
    later = await sprint(api, org)
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


def someone(api: Api, *teams: str, active: bool = True) -> str:
    """A new person (through the domain), a MEMBER of those teams: their id."""
    app = api.backend.app
    person = app.handle(c.AddPerson(handle=f"p{next(NAMES)}", name="Someone"), "tests").id
    for team in teams:
        app.handle(c.AddMember(team_id=team, person_id=person), "tests")
    if not active:
        app.handle(c.DeactivatePerson(id=person), "tests")
    return person


async def assign_owner(api: Api, org: Org, team: str) -> dict[str, Any]:
    objective = await objective_of(api, org, team)
    return {"entityId": objective["id"], "ownerId": someone(api), "reason": "Handover"}


async def set_contributors(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {"entityId": kr["id"], "personIds": [someone(api)]}


async def check_in_of(api: Api, org: Org, team: str) -> str:
    """Corrections (issue 14): a check-in of a key result of the team, its id."""
    kr = await key_result_of(api, org, team)
    answer = await api.mutate(
        "recordCheckIn", "checkIns(first: 1) { nodes { id } }", keyResultId=kr["id"], value=30
    )
    return str(answer["checkIns"]["nodes"][0]["id"])


async def retract_check_in(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"checkInId": await check_in_of(api, org, team), "reason": "A typo"}


async def correct_check_in(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"checkInId": await check_in_of(api, org, team), "value": 31, "reason": "A typo"}


async def remove_key_result(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {"id": kr["id"], "expectedVersion": 1, "reason": "Added by mistake"}
# -- data sources (issue 17): whoever may check in on a key result manages its source --


async def connect_data_source(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {
        "keyResultId": kr["id"],
        "kind": "HTTP_JSON",
        "schedule": "1h",
        # A loopback address the guard refuses: a run records a failure, calls nothing.
        "url": "http://127.0.0.1:9/kpi.json",
        "jsonPath": "$.value",
    }


async def connected_source(api: Api, org: Org, team: str) -> str:
    source = await api.mutate(
        "connectDataSource", "id", **await connect_data_source(api, org, team)
    )
    return str(source["id"])


async def update_data_source(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await connected_source(api, org, team), "schedule": "6h"}


async def disconnect_data_source(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await connected_source(api, org, team)}


async def run_data_source(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await connected_source(api, org, team)}


DATA_SOURCES: dict[str, Setup] = {
    "connectDataSource": connect_data_source,
    "updateDataSource": update_data_source,
    "disconnectDataSource": disconnect_data_source,
    "runDataSource": run_data_source,
}


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
    "assignOwner": assign_owner,
    "setContributors": set_contributors,
    # Corrections (issue 14)
    "retractCheckIn": retract_check_in,
    "correctCheckIn": correct_check_in,
    "removeKeyResult": remove_key_result,
    **DATA_SOURCES,
}


# -- actions (issue 15): "team" is the team whose action it is, except for an offer,
# where it is the offering team (a member of it offers, on another team's action).


async def action_of(api: Api, org: Org, team: str) -> str:
    kr = await key_result_of(api, org, team)
    action = await api.mutate("proposeAction", "id", keyResultId=kr["id"], title="Idea")
    return str(action["id"])


def another(org: Org, team: str) -> str:
    return org.other if team == org.own_team else org.own_team


async def propose_action(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    return {"keyResultId": kr["id"], "title": "Idea", "size": "S"}


async def update_action(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await action_of(api, org, team), "key": True}


async def drop_action(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await action_of(api, org, team), "reason": "Not now"}


async def rank_actions(api: Api, org: Org, team: str) -> dict[str, Any]:
    kr = await key_result_of(api, org, team)
    ids = [
        (await api.mutate("proposeAction", "id", keyResultId=kr["id"], title=t))["id"]
        for t in ("A", "B")
    ]
    return {"keyResultId": kr["id"], "actionIds": ids[::-1]}


async def offer_collaboration(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"actionId": await action_of(api, org, another(org, team)), "teamId": team}


async def offered(api: Api, org: Org, team: str) -> dict[str, Any]:
    action_id = await action_of(api, org, team)
    await api.mutate("offerCollaboration", "id", actionId=action_id, teamId=another(org, team))
    return {"actionId": action_id, "teamId": another(org, team)}


TEAM_SCOPED.update(
    {
        "proposeAction": propose_action,
        "updateAction": update_action,
        "dropAction": drop_action,
        "rankActions": rank_actions,
        "offerCollaboration": offer_collaboration,
        "acceptCollaboration": offered,
        "declineCollaboration": offered,
    }
)


async def add_member(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"teamId": team, "personId": someone(api), "role": "MEMBER"}


async def change_member_role(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"teamId": team, "personId": someone(api, team), "role": "LEAD"}


async def remove_member(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"teamId": team, "personId": someone(api, team)}


async def set_digest_schedule(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"teamId": team, "weekday": 5, "hour": 16}


# A team's members are managed by its leads (and those of the teams above it).
LEAD_SCOPED: dict[str, Setup] = {
    "addMember": add_member,
    "changeMemberRole": change_member_role,
    "removeMember": remove_member,
    # notices (issue 16): so is when its digest goes out
    "setDigestSchedule": set_digest_schedule,
}


async def create_team(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"name": f"New team {next(NAMES)}", "parentId": org.org}


async def open_cycle(api: Api, org: Org, team: str) -> dict[str, Any]:
    day = str(date(2026, 1, 1) + timedelta(days=next(DAYS) % 365))
    return {
        "name": f"Sprint {next(NAMES)}",
        "kind": "QUARTERLY",
        "startsOn": day,
        "endsOn": day,
        "parentId": org.year,
    }


async def close_cycle(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await sprint(api, org)}


async def define_strategy_map(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"values": [f"Value {next(NAMES)}"]}


async def add_person(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"handle": f"new.{next(NAMES)}", "name": "New"}


async def update_person(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": someone(api), "name": "Renamed"}


async def deactivate_person(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": someone(api)}


async def reactivate_person(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": someone(api, active=False)}


# -- issue 14: the tree's and the calendar's lifecycle ------------------------------------


async def rename_team(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": team, "name": f"Team {next(NAMES)}"}


async def move_team(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await api.team(f"Loose {next(NAMES)}"), "parentId": team}


async def archive_team(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await api.team(f"Idle {next(NAMES)}", team)}


async def rename_cycle(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await sprint(api, org), "name": f"Renamed {next(NAMES)}"}


async def cancel_cycle(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await sprint(api, org)}


# Admins, and the leads of the team (or of a team above it).
LEAD_OR_ADMIN: dict[str, Setup] = {"renameTeam": rename_team}
async def set_notification_preferences(api: Api, org: Org, team: str) -> dict[str, Any]:
    """Another person's (their own: test_people_set_their_own_notification_preferences)."""
    return {"personId": someone(api), "mutedChannels": ["EMAIL"]}


ADMIN_ONLY: dict[str, Setup] = {
    # notices (issue 16)
    "setNotificationPreferences": set_notification_preferences,
    "createTeam": create_team,
    "defineStrategyMap": define_strategy_map,
    "openCycle": open_cycle,
    "closeCycle": close_cycle,
    "addPerson": add_person,
    "updatePerson": update_person,
    "deactivatePerson": deactivate_person,
    "reactivatePerson": reactivate_person,
    "moveTeam": move_team,
    "archiveTeam": archive_team,
    "renameCycle": rename_cycle,
    "cancelCycle": cancel_cycle,
}

# -- webhooks (issue 16): a team's are managed by its leads (and those above), like members.
PUBLIC_URL = "https://93.184.215.14/okra"  # a public address: the SSRF guard lets it pass


async def webhook_of(api: Api, team: str) -> str:
    made = await api.mutate(
        "createWebhook", "id", url=PUBLIC_URL, eventTypes=["team.*"], teamId=team
    )
    return str(made["id"])


async def create_webhook(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"url": PUBLIC_URL, "eventTypes": ["objective.*"], "teamId": team}


async def update_webhook(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await webhook_of(api, team), "eventTypes": ["*"]}


async def disable_webhook(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await webhook_of(api, team), "reason": "Noise"}


async def rotate_webhook_secret(api: Api, org: Org, team: str) -> dict[str, Any]:
    return {"id": await webhook_of(api, team)}


async def redeliver(api: Api, org: Org, team: str) -> dict[str, Any]:
    """A delivery that exists: the webhook's, of the team's cadence being set."""
    import asyncio

    from domain.model.webhook import delivery_id

    webhook = await webhook_of(api, team)
    await api.mutate("setCheckInCadence", "id", teamId=team, days=next(NAMES) % 300 + 1)
    delivery = delivery_id(webhook, api.backend.app.recorder.max_notification_id() or 0)
    for _ in range(500):
        if await api.backend.deliveries.get(delivery) is not None:
            break
        await asyncio.sleep(0.01)
    return {"deliveryId": delivery}


LEAD_SCOPED |= {
    "createWebhook": create_webhook,
    "updateWebhook": update_webhook,
    "disableWebhook": disable_webhook,
    "rotateWebhookSecret": rotate_webhook_secret,
    "redeliver": redeliver,
}

EVERY = {**TEAM_SCOPED, **LEAD_SCOPED, **LEAD_OR_ADMIN, **ADMIN_ONLY}


def test_the_matrix_covers_every_mutation() -> None:
    assert set(EVERY) == mutation_names()
    assert len(EVERY) == len(TEAM_SCOPED) + len(LEAD_SCOPED) + len(LEAD_OR_ADMIN) + len(ADMIN_ONLY)


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
    """Tokens of each kind: of nobody's (an admin, a member of the department with team
    flags, a viewer), and of people in the department (a lead, a member, a champion)."""
    org = await organisation(api)
    tokens = {
        "admin": await api.token("ada", "admin"),
        "member": await api.token("mel", "member", org.own_dept),
        "viewer": await api.token("vic", "viewer"),
        "lead": (await api.person("lea", (org.own_dept, "LEAD")))[1],
        "person": (await api.person("pam", (org.own_dept, "MEMBER")))[1],
        "champion": (await api.person("cha", (org.own_dept, "CHAMPION")))[1],
    }
    return api, org, tokens


def expected(operation: str, role: str, own: bool) -> str | None:
    """What the matrix expects: None (applied) or the refusal's code."""
    if role == "admin":
        return None
    if operation in ADMIN_ONLY or not own:
        return "FORBIDDEN"
    if operation in LEAD_SCOPED or operation in LEAD_OR_ADMIN:
        return None if role == "lead" else "FORBIDDEN"
    if operation == "tagObjective" and role == "champion":
        return None
    return None if role in ("member", "lead", "person") else "FORBIDDEN"


async def test_every_mutation_for_every_role_on_own_and_other_teams(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    api, org, tokens = matrix
    checked = 0
    for operation, setup in EVERY.items():
        for role, token in tokens.items():
            for own, team in ((True, org.own_team), (False, org.other)):
                input = await setup(api, org, team)
                outcome = await attempt(api, operation, token, input)
                assert outcome == expected(operation, role, own), (operation, role, own)
                checked += 1
    assert checked == len(EVERY) * len(tokens) * 2


async def test_owners_check_in_and_resolve_what_they_own_whatever_their_team(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    api, org, _ = matrix
    owner_id, owner = await api.person("oscar", (org.other, "MEMBER"))
    objective = await api.objective(org.year, org.own_team, "Not his team's")
    kr = await api.key_result(objective["id"], ownerId=owner_id)
    bet = await api.bet(kr["id"], ownerId=owner_id)
    checks = [
        ("recordCheckIn", {"keyResultId": kr["id"], "value": 30}, None),
        ("resolveBet", {"id": bet["id"], "outcome": "VALIDATED"}, None),
        ("updateKeyResult", {"id": kr["id"], "expectedVersion": 2, "weight": 2}, "FORBIDDEN"),
        ("placeBet", {"keyResultId": kr["id"], "title": "More", "stake": 1, "odds": 0.5,
                      "expectedImpact": 1}, "FORBIDDEN"),
        ("assignOwner", {"entityId": kr["id"], "ownerId": owner_id}, "FORBIDDEN"),
    ]  # fmt: skip
    for operation, input, outcome in checks:
        assert await attempt(api, operation, owner, input) == outcome, operation
    # The owner of an objective checks in on its key results too.
    mine = await api.objective(org.year, org.own_team, "His", ownerId=owner_id)
    other_kr = await api.key_result(mine["id"])
    assert await attempt(api, "recordCheckIn", owner, {"keyResultId": other_kr["id"],
                                                       "value": 25}) is None  # fmt: skip
    # A viewer's token reads only, even an owner's.
    viewer = (await api.person("vera", role="viewer"))[1]
    vera = (await api.data("{ me { id } }", token=viewer))["me"]["id"]
    theirs = await api.key_result(mine["id"], "Theirs", ownerId=vera)
    refused = await attempt(api, "recordCheckIn", viewer, {"keyResultId": theirs["id"], "value": 1})
    assert refused == "FORBIDDEN"


async def test_a_deactivated_person_may_do_nothing(settings: Settings) -> None:
    """Even while their token is still trusted (within OKRA_TOKEN_CACHE_SECONDS, after
    which it is refused: tests/e2e/test_auth.py), a deactivated person's every write is
    refused, an admin's included. The cache is long here, so that every attempt falls
    within it however busy the machine."""
    async with running(settings.model_copy(update={"token_cache_seconds": 600})) as api:
        org = await organisation(api)
        admin_id, admin = await api.person("adele", (org.own_dept, "LEAD"), role="admin")
        assert (await api.data("{ me { handle } }", token=admin))["me"] == {"handle": "adele"}
        await api.mutate("deactivatePerson", "id", id=admin_id)
        for operation, setup in EVERY.items():
            input = await setup(api, org, org.own_team)
            assert await attempt(api, operation, admin, input) == "FORBIDDEN", operation


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
    for role, actor in (("member", "mel"), ("lead", "lea")):
        objective = await api.mutate(
            "createObjective",
            "createdBy owner { handle }",
            token=tokens[role],
            cycleId=org.year,
            teamId=org.own_team,
            title="Mine",
        )
        assert objective["createdBy"] == actor
        assert objective["owner"] == (None if role == "member" else {"handle": "lea"})


# -- notices (issue 16) -----------------------------------------------------------------


async def test_people_set_their_own_notification_preferences(
    matrix: tuple[Api, Org, dict[str, str]],
) -> None:
    """Everyone who may write mutes their own channels, whatever their role in a team;
    a viewer reads only."""
    api, _, tokens = matrix
    for role in ("lead", "person", "champion"):
        me = (await api.data("{ me { id } }", token=tokens[role]))["me"]["id"]
        input = {"personId": me, "mutedChannels": ["WEBHOOK"]}
        assert await attempt(api, "setNotificationPreferences", tokens[role], input) is None
    viewer = (await api.person("viola", role="viewer"))[1]
    me = (await api.data("{ me { id } }", token=viewer))["me"]["id"]
    input = {"personId": me, "mutedChannels": ["EMAIL"]}
    assert await attempt(api, "setNotificationPreferences", viewer, input) == "FORBIDDEN"
