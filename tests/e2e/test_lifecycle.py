"""Teams are renamed, moved and archived; cycles renamed and cancelled; lists leave out
what is retired unless asked for it (issue 14)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from domain.application import commands as c
from domain.model.errors import InvalidInput
from gateway.settings import Settings
from tests.e2e.test_previous_release import ADMIN, open_previous_release
from tests.support.api import Api, running
from tests.support.processes import okra, spawn, store_args


async def names(api: Api, query: str) -> list[str]:
    data = await api.data(query)
    (connection,) = data.values()
    return [node["name"] for node in connection["nodes"]]


async def test_a_team_is_renamed_moved_and_archived(api: Api) -> None:
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    sales = await api.team("Sales", org)
    platform = await api.team("Platform", eng)

    renamed = await api.mutate(
        "renameTeam", "id version name", id=platform, name="  Platform Core ", expectedVersion=1
    )
    assert renamed == {"id": platform, "version": 2, "name": "Platform Core"}
    moved = await api.mutate("moveTeam", "id version parent { name }", id=platform, parentId=sales)
    assert moved == {"id": platform, "version": 3, "parent": {"name": "Sales"}}
    eng_children = await api.data("query($id: ID!) { team(id: $id) { children { id } } }", id=eng)
    assert eng_children["team"]["children"] == []

    archived = await api.mutate("archiveTeam", "id status version", id=platform)
    assert archived == {"id": platform, "status": "ARCHIVED", "version": 4}
    assert await names(api, "{ teams { nodes { name } } }") == ["Acme", "Engineering", "Sales"]
    assert await names(api, "{ teams(status: ARCHIVED) { nodes { name } } }") == ["Platform Core"]
    assert len(await names(api, "{ teams(status: ALL) { nodes { name } } }")) == 4

    # The history shows each change, from what to what.
    trail = await api.data(
        "query($id: ID!) { auditTrail(filter: { entityId: $id }) { nodes { eventType "
        "changes { field from to } } } }",
        id=platform,
    )
    kinds = [n["eventType"] for n in trail["auditTrail"]["nodes"]]
    assert {"TeamRenamed", "TeamMoved", "TeamArchived"} <= set(kinds)

    # An archived team takes no objectives, no teams below it, and is not archived twice.
    year = await api.year()
    error = await api.refuse("createObjective", cycleId=year, teamId=platform, title="Late")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "teamId"}
    error = await api.refuse("createTeam", name="Under", parentId=platform)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parentId"}
    error = await api.refuse("archiveTeam", id=platform)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}


async def test_tree_rules_are_refused(api: Api) -> None:
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    platform = await api.team("Platform", eng)
    head = api.backend.app.recorder.max_notification_id()
    for operation, input, field in [
        ("moveTeam", {"id": eng, "parentId": eng}, "parentId"),
        ("moveTeam", {"id": eng, "parentId": platform}, "parentId"),
        ("moveTeam", {"id": org, "parentId": platform}, "parentId"),
        ("moveTeam", {"id": eng, "parentId": "nope"}, "parentId"),
        ("renameTeam", {"id": platform, "name": " engineering "}, "name"),
        ("renameTeam", {"id": platform, "name": "\u200b\u202e \u2066"}, "name"),
        ("createTeam", {"name": "PLATFORM"}, "name"),
        ("createTeam", {"name": "\ufeff"}, "name"),
        ("archiveTeam", {"id": eng}, "id"),  # Platform, below it, is active
    ]:
        error = await api.refuse(operation, **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
    error = await api.refuse("renameTeam", id=platform, name="X", expectedVersion=7)
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    assert api.backend.app.recorder.max_notification_id() == head, "a refusal stored something"

    # A team with objectives in an open cycle stays; once the cycle closes, it may go.
    year = await api.year()
    await api.objective(year, platform)
    error = await api.refuse("archiveTeam", id=platform)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    assert "2026" in error["message"]
    await api.mutate("closeCycle", "id", id=year)
    assert (await api.mutate("archiveTeam", "status", id=platform))["status"] == "ARCHIVED"
    # An archived team's objectives are not carried into a later cycle either.
    planned = await api.data("{ objectives(status: ALL) { nodes { id } } }")
    later = await api.year("2027")
    error = await api.refuse(
        "carryOverObjective", id=planned["objectives"]["nodes"][0]["id"], toCycleId=later
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    assert "archived" in error["message"]


async def test_concurrent_moves_cannot_close_a_loop(api: Api) -> None:
    """A under B and B under A at once: one wins, the other sees it and is refused."""
    app = api.backend.app
    for attempt in range(3):
        a = app.handle(c.CreateTeam(name=f"A{attempt}"), "tests").id
        b = app.handle(c.CreateTeam(name=f"B{attempt}"), "tests").id
        results = await asyncio.gather(
            asyncio.to_thread(app.handle, c.MoveTeam(id=a, parent_id=b), "tests"),
            asyncio.to_thread(app.handle, c.MoveTeam(id=b, parent_id=a), "tests"),
            return_exceptions=True,
        )
        refused = [r for r in results if isinstance(r, InvalidInput)]
        assert len(refused) == 1 and refused[0].field == "parent_id", results
    parents = await api.data("{ teams(first: 100) { nodes { name parent { name } } } }")
    for node in parents["teams"]["nodes"]:
        parent = node["parent"]
        if parent is not None:  # the parent's parent is not the team itself
            assert parent["name"] != node["name"]


async def test_a_lead_renames_their_team_and_nothing_else(api: Api) -> None:
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    other = await api.team("Sales", org)
    _, lead = await api.person("lea", (eng, "LEAD"))
    _, member = await api.person("mel", (eng, "MEMBER"))
    assert (await api.mutate("renameTeam", "name", token=lead, id=eng, name="Eng"))["name"] == "Eng"
    for token, operation, input in [
        (member, "renameTeam", {"id": eng, "name": "Mine"}),
        (lead, "renameTeam", {"id": other, "name": "Mine"}),
        (lead, "moveTeam", {"id": eng, "parentId": other}),
        (lead, "archiveTeam", {"id": eng}),
    ]:
        error = await api.refuse(operation, token=token, **input)
        assert error["extensions"]["code"] == "FORBIDDEN", (operation, input)


async def test_a_cycle_is_renamed_and_an_empty_one_cancelled(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    q2 = await api.cycle("2026-Q2", "2026-04-01", "2026-06-30", year)
    renamed = await api.mutate("renameCycle", "id version name", id=q1, name="Q1 2026")
    assert renamed == {"id": q1, "version": 2, "name": "Q1 2026"}
    error = await api.refuse("renameCycle", id=q2, name=" q1 2026")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    error = await api.refuse(
        "openCycle", name="q1 2026", kind="QUARTERLY", startsOn="2026-07-01",
        endsOn="2026-09-30", parentId=year,
    )  # fmt: skip
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}

    await api.objective(q1, team)
    error = await api.refuse("cancelCycle", id=q1)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    cancelled = await api.mutate("cancelCycle", "id status", id=q2)
    assert cancelled == {"id": q2, "status": "CANCELLED"}
    assert await names(api, "{ cycles { nodes { name } } }") == ["2026", "Q1 2026"]
    assert await names(api, "{ cycles(status: CANCELLED) { nodes { name } } }") == ["2026-Q2"]
    assert len(await names(api, "{ cycles(status: ALL) { nodes { name } } }")) == 3
    error = await api.refuse("createObjective", cycleId=q2, teamId=team, title="Late")
    assert error["extensions"]["code"] == "CYCLE_CLOSED"
    # The cancelled quarter's days are free again.
    await api.cycle("2026-Q2 again", "2026-04-01", "2026-06-30", year)


async def test_quarters_and_years_do_not_overlap(api: Api) -> None:
    year = await api.year()
    await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    for input in [
        {"name": "Early Q2", "kind": "QUARTERLY", "startsOn": "2026-03-31",
         "endsOn": "2026-06-30", "parentId": year},
        {"name": "Fiscal", "kind": "ANNUAL", "startsOn": "2026-07-01", "endsOn": "2027-06-30"},
    ]:  # fmt: skip
        error = await api.refuse("openCycle", **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "startsOn"}, input
    await api.year("2027")  # the next year touches none


async def test_objective_lists_leave_out_archived_ones(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    kept = await api.objective(year, team, "Kept")
    shelved = await api.objective(year, team, "Shelved")
    await api.objective(q1, team, "Graded")
    await api.mutate("closeCycle", "id", id=q1)
    await api.mutate(
        "updateObjective", "id", id=shelved["id"], expectedVersion=1, status="ARCHIVED"
    )
    query = "{ objectives%s { totalCount nodes { title } } }"
    cases: dict[str, list[str]] = {
        "": ["Kept", "Graded"],
        "(status: ACTIVE)": ["Kept"],
        "(status: CLOSED)": ["Graded"],
        "(status: ARCHIVED)": ["Shelved"],
        "(status: ALL)": ["Kept", "Shelved", "Graded"],
    }
    for arguments, titles in cases.items():
        data: Any = (await api.data(query % arguments))["objectives"]
        assert [n["title"] for n in data["nodes"]] == titles, arguments
        assert data["totalCount"] == len(titles)
    assert kept["id"]


async def test_a_previous_release_store_fills_the_tree_and_calendar(
    settings: Settings, tmp_path: Path
) -> None:
    """Stores from before the team tree and the calendar: both are filled once from the
    log, so the new rules hold against what was there (and the old events still load)."""
    open_previous_release(settings, tmp_path)
    async with running(settings) as api:
        teams = await api.data("{ teams(first: 100) { nodes { id name } } }", token=ADMIN)
        by_name = {t["name"]: t["id"] for t in teams["teams"]["nodes"]}
        error = await api.refuse("createTeam", token=ADMIN, name=" acme ROBOTICS")
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
        support = by_name["Support"]
        renamed = await api.mutate(
            "renameTeam", "id name", token=ADMIN, id=support, name="Customer Support"
        )
        assert renamed == {"id": support, "name": "Customer Support"}
        cycles = await api.data("{ cycles { nodes { id name } } }", token=ADMIN)
        year = next(c["id"] for c in cycles["cycles"]["nodes"] if c["name"] == "2026")
        error = await api.refuse(
            "openCycle", token=ADMIN, name="Late Q4", kind="QUARTERLY",
            startsOn="2026-12-01", endsOn="2026-12-31", parentId=year,
        )  # fmt: skip
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "startsOn"}
        assert "2026-Q4" in error["message"]
    verified = okra("audit", "verify", *store_args(settings)).stdout
    assert verified.startswith("OK: ")


async def test_names_of_invisible_characters_are_refused(api: Api) -> None:
    """Zero-width spaces, byte-order marks and bidi controls show nothing (issue 14)."""
    team = await api.team("Acme")
    year = await api.year()
    for operation, input, field in [
        ("createObjective", {"cycleId": year, "teamId": team, "title": "\u2066\u2069"}, "title"),
        ("addPerson", {"handle": "zed", "name": "\u200b \ufeff"}, "name"),
        ("openCycle", {"name": "\u202a\u202c", "kind": "ANNUAL", "startsOn": "2030-01-01",
                       "endsOn": "2030-12-31"}, "name"),
        ("defineStrategyMap", {"values": ["Speed", "\u202e"]}, "values"),
    ]:  # fmt: skip
        error = await api.refuse(operation, **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
    # Visible text around them is kept as written.
    made = await api.objective(year, team, "\u200bShip it")
    assert made["title"] == "\u200bShip it"


async def test_numbers_and_dates_out_of_bounds_are_refused(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"])
    head = api.backend.app.recorder.max_notification_id()
    bet = {"keyResultId": kr["id"], "title": "Bet", "stake": 1, "odds": 0.5, "expectedImpact": 1}
    for operation, input, field in [
        ("recordCheckIn", {"keyResultId": kr["id"], "value": 1e308}, "value"),
        ("recordCheckIn", {"keyResultId": kr["id"], "value": -1.5e12}, "value"),
        ("recordCheckIn", {"keyResultId": kr["id"], "value": 1, "asOf": "2019-06-01"}, "asOf"),
        ("recordCheckIn", {"keyResultId": kr["id"], "value": 1, "asOf": "1969-12-31"}, "asOf"),
        ("addKeyResult", {"objectiveId": objective["id"], "title": "Big", "startValue": 0,
                          "targetValue": 2e12}, "targetValue"),
        ("placeBet", {**bet, "stake": 1e308}, "stake"),
        ("placeBet", {**bet, "stake": 5e-10}, "stake"),
        ("placeBet", {**bet, "odds": 1e-10}, "odds"),
        ("placeBet", {**bet, "expectedImpact": 0}, "expectedImpact"),
        ("placeBet", {**bet, "expectedImpact": -1e-12}, "expectedImpact"),
        ("setStakeBudget", {"teamId": team, "cycleId": year, "budget": 1e13}, "budget"),
        ("openCycle", {"name": "Ancient", "kind": "ANNUAL", "startsOn": "1969-01-01",
                       "endsOn": "1969-12-31"}, "startsOn"),
        ("openCycle", {"name": "Far", "kind": "ANNUAL", "startsOn": "2199-01-01",
                       "endsOn": "2200-01-01"}, "endsOn"),
    ]:  # fmt: skip
        error = await api.refuse(operation, **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
    assert api.backend.app.recorder.max_notification_id() == head, "a refusal stored something"
    # The bounds themselves are allowed.
    placed = await api.bet(kr["id"], stake=1e-9, odds=1e-9, expectedImpact=-1e12)
    assert placed["stake"] == 1e-9
    checked = await api.check_in(kr["id"], value=1e12, asOf="2026-01-01")
    assert checked["currentValue"] == 1e12
    for moment in ("1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z"):
        error = await api.error(
            "query($at: DateTime!) { objectivesAsOf(asOf: $at) { totalCount } }", at=moment
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "asOf"}


async def test_the_command_line_finds_teams_by_their_new_name(api: Api) -> None:
    """`okra token create --team` and `okra people import` name teams: renamed, by the
    new name (ignoring case), and no longer by the old one."""
    team = await api.team("Customer Success")
    await api.mutate("renameTeam", "id", id=team, name="Customer Experience")
    store = store_args(api.backend.settings)
    made = okra("token", "create", "--user", "cx", "--team", "customer experience", *store)
    assert made.stdout.startswith("okra_")
    old = spawn("token", "create", "--user", "cs", "--team", "Customer Success", *store)
    assert old.wait(timeout=60) != 0
    assert "no team with id or name" in old.output()
