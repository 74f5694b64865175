"""People through GraphQL: adding and finding them, their teams, what they own, "me"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.settings import Settings
from tests.support.api import Api
from tests.support.clock import Clock, clocked

PERSON = "id version handle name email active memberships { role team { name } }"


async def add(api: Api, handle: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    person: dict[str, Any] = await api.mutate(
        "addPerson", PERSON, handle=handle, name=name or handle.title(), **extra
    )
    return person


async def refused(api: Api, operation: str, **input: Any) -> dict[str, Any]:
    """The mutation's error, once it is sure that nothing was stored."""
    head = api.backend.app.recorder.max_notification_id()
    error: dict[str, Any] = await api.refuse(operation, **input)
    assert api.backend.app.recorder.max_notification_id() == head, "a refusal appended"
    return error


async def test_people_are_added_edited_and_found(api: Api) -> None:
    maya = await add(api, " Maya.Chen ", "Maya Chen", email="Maya@Acme.example")
    assert (maya["handle"], maya["email"], maya["active"], maya["version"]) == (
        "maya.chen",
        "Maya@Acme.example",
        True,
        1,
    )
    tom = await add(api, "tom_okafor-2", "Tom Okafor")
    assert tom["email"] is None

    for input, field in [
        ({"handle": "MAYA.CHEN", "name": "Another Maya"}, "handle"),  # unique ignoring case
        ({"handle": "maya chen", "name": "Space"}, "handle"),
        ({"handle": "mäya", "name": "Umlaut"}, "handle"),
        ({"handle": "x" * 65, "name": "Long"}, "handle"),
        ({"handle": "", "name": "Empty"}, "handle"),
        ({"handle": "ines", "name": "Ines", "email": "maya@acme.EXAMPLE"}, "email"),
        ({"handle": "ines", "name": "Ines", "email": "not an email"}, "email"),
        ({"handle": "ines", "name": "  "}, "name"),
    ]:
        error = await refused(api, "addPerson", **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input

    renamed = await api.mutate(
        "updatePerson", PERSON, id=tom["id"], name="Tom O.", email="tom@acme.example"
    )
    assert (renamed["name"], renamed["email"], renamed["version"]) == (
        "Tom O.",
        "tom@acme.example",
        3,  # renamed, email changed
    )
    taken = await refused(api, "updatePerson", id=tom["id"], email="MAYA@acme.example")
    assert taken["extensions"] == {"code": "BAD_USER_INPUT", "field": "email"}
    stale = await refused(api, "updatePerson", id=tom["id"], expectedVersion=1, name="Tom")
    assert stale["extensions"]["code"] == "VERSION_CONFLICT"
    # Maya's email is hers until she gives it up; then Tom may have it.
    cleared = await api.mutate("updatePerson", "email version", id=maya["id"], email=None)
    assert cleared == {"email": None, "version": 2}
    moved = await api.mutate("updatePerson", "email", id=tom["id"], email="maya@acme.example")
    assert moved == {"email": "maya@acme.example"}

    gone = await api.mutate("deactivatePerson", "active version", id=tom["id"])
    assert gone == {"active": False, "version": 5}
    again = await refused(api, "deactivatePerson", id=tom["id"])
    assert again["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    missing = await refused(api, "deactivatePerson", id="nobody")
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "id"}

    found = await api.data(
        """query($id: ID!) {
          byId: person(id: $id) { handle }
          byHandle: person(handle: "MAYA.chen") { handle }
          nobody: person(handle: "nobody") { handle }
          all: people { totalCount nodes { handle } }
          active: people(active: true) { nodes { handle } }
          left: people(active: false) { nodes { handle } }
          search: people(search: "ACME.EXAMPLE") { nodes { handle } }
          paged: people(first: 1) { pageInfo { hasNextPage endCursor } nodes { handle } }
        }""",
        id=tom["id"],
    )
    assert found["byId"] == {"handle": "tom_okafor-2"}
    assert found["byHandle"] == {"handle": "maya.chen"}
    assert found["nobody"] is None
    assert found["all"]["totalCount"] == 2
    assert found["active"]["nodes"] == [{"handle": "maya.chen"}]
    assert found["left"]["nodes"] == [{"handle": "tom_okafor-2"}]
    assert found["search"]["nodes"] == [{"handle": "tom_okafor-2"}]  # Maya has no email now
    assert found["paged"]["nodes"] == [{"handle": "maya.chen"}]
    rest = await api.data(
        "query($after: String) { people(after: $after) { nodes { handle } } }",
        after=found["paged"]["pageInfo"]["endCursor"],
    )
    assert rest["people"]["nodes"] == [{"handle": "tom_okafor-2"}]
    both = await api.error('{ person(id: "x", handle: "y") { handle } }')
    assert both["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}

    back = await api.mutate("reactivatePerson", "active", id=tom["id"])
    assert back == {"active": True}


async def test_memberships_and_team_members(api: Api) -> None:
    acme = await api.team("Acme")
    platform = await api.team("Platform", acme)
    ines = await add(api, "ines")
    kenji = await add(api, "kenji")
    joined = await api.mutate(
        "addMember", PERSON, teamId=platform, personId=ines["id"], role="LEAD"
    )
    assert joined["memberships"] == [{"role": "LEAD", "team": {"name": "Platform"}}]
    await api.mutate("addMember", "id", teamId=acme, personId=ines["id"])  # MEMBER by default
    await api.mutate("addMember", "id", teamId=platform, personId=kenji["id"], role="CHAMPION")

    twice = await refused(api, "addMember", teamId=platform, personId=ines["id"], role="MEMBER")
    assert twice["extensions"] == {"code": "BAD_USER_INPUT", "field": "personId"}
    nowhere = await refused(api, "addMember", teamId="nope", personId=ines["id"])
    assert nowhere["extensions"] == {"code": "BAD_USER_INPUT", "field": "teamId"}
    nobody = await refused(api, "addMember", teamId=acme, personId="nobody")
    assert nobody["extensions"] == {"code": "BAD_USER_INPUT", "field": "personId"}

    changed = await api.mutate(
        "changeMemberRole", PERSON, teamId=platform, personId=ines["id"], role="MEMBER"
    )
    assert changed["memberships"] == [
        {"role": "MEMBER", "team": {"name": "Platform"}},
        {"role": "MEMBER", "team": {"name": "Acme"}},
    ]
    left = await api.mutate("removeMember", PERSON, teamId=acme, personId=ines["id"])
    assert left["memberships"] == [{"role": "MEMBER", "team": {"name": "Platform"}}]
    not_there = await refused(api, "removeMember", teamId=acme, personId=ines["id"])
    assert not_there["extensions"] == {"code": "BAD_USER_INPUT", "field": "personId"}

    await api.mutate("deactivatePerson", "id", id=kenji["id"])
    inactive = await refused(api, "addMember", teamId=acme, personId=kenji["id"])
    assert inactive["extensions"] == {"code": "BAD_USER_INPUT", "field": "personId"}
    assert "deactivated" in inactive["message"]

    team = await api.data(
        "query($id: ID!) { team(id: $id) { members { role since person { handle active } } } "
        "people(teamId: $id) { nodes { handle } } }",
        id=platform,
    )
    assert [(m["role"], m["person"]) for m in team["team"]["members"]] == [
        ("MEMBER", {"handle": "ines", "active": True}),
        ("CHAMPION", {"handle": "kenji", "active": False}),  # a leaver keeps their history
    ]
    assert [p["handle"] for p in team["people"]["nodes"]] == ["ines", "kenji"]
    history = await api.data(
        "query($id: ID!) { auditTrail(filter: {entityId: $id}, order: OLDEST_FIRST) { nodes { "
        "eventType entityType changes { field from to } } } }",
        id=ines["id"],
    )
    events = history["auditTrail"]["nodes"]
    assert [e["eventType"] for e in events] == [
        "PersonAdded",
        "TeamJoined",
        "TeamJoined",
        "TeamRoleChanged",
        "TeamLeft",
    ]
    assert {e["entityType"] for e in events} == {"PERSON"}
    assert events[3]["changes"] == [
        {"field": "teamId", "from": platform, "to": platform},
        {"field": "role", "from": "LEAD", "to": "MEMBER"},
    ]


OWNED = "id version owner { handle } contributors { handle }"


async def test_owners_and_contributors(api: Api) -> None:
    acme = await api.team("Acme")
    sales = await api.team("Sales", acme)
    year = await api.year()
    lena_id, lena = await api.person("lena", (sales, "LEAD"))
    sam_id, _ = await api.person("sam", (sales, "MEMBER"))
    priya_id, _ = await api.person("priya")

    # Without an owner, the person who creates it owns it; a token of nobody's, nobody.
    mine = await api.mutate(
        "createObjective", OWNED, token=lena, cycleId=year, teamId=sales, title="Open grocery"
    )
    assert mine["owner"] == {"handle": "lena"} and mine["contributors"] == []
    legacy = await api.objective(year, sales, "From before people")
    owner_of_legacy = await api.data(
        "query($id: ID!) { objective(id: $id) { owner { handle } } }", id=legacy["id"]
    )
    assert owner_of_legacy == {"objective": {"owner": None}}

    theirs = await api.mutate(
        "createObjective",
        OWNED,
        token=lena,
        cycleId=year,
        teamId=sales,
        title="Win pharmacy",
        ownerId=sam_id,
        contributorIds=[priya_id, lena_id, priya_id],
    )
    assert theirs["owner"] == {"handle": "sam"}
    assert theirs["contributors"] == [{"handle": "priya"}, {"handle": "lena"}]
    kr = await api.mutate(
        "addKeyResult",
        f"{OWNED} title",
        token=lena,
        objectiveId=theirs["id"],
        title="Pilots",
        startValue=0,
        targetValue=2,
        ownerId=priya_id,
    )
    assert kr["owner"] == {"handle": "priya"}
    bet = await api.mutate(
        "placeBet",
        OWNED,
        token=lena,
        keyResultId=kr["id"],
        title="Discount",
        stake=3,
        odds=0.5,
        expectedImpact=1,
        contributorIds=[sam_id],
    )
    assert bet["owner"] == {"handle": "lena"} and bet["contributors"] == [{"handle": "sam"}]

    for operation, input, field in [
        ("createObjective", {"cycleId": year, "teamId": sales, "title": "X", "ownerId": "no"},
         "ownerId"),
        ("addKeyResult", {"objectiveId": theirs["id"], "title": "X", "startValue": 0,
                          "targetValue": 1, "contributorIds": ["no"]}, "contributorIds"),
        ("assignOwner", {"entityId": kr["id"], "ownerId": "no"}, "ownerId"),
        ("setContributors", {"entityId": bet["id"], "personIds": [sam_id, "no"]}, "personIds"),
    ]:  # fmt: skip
        error = await refused(api, operation, **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, operation
    missing = await refused(api, "assignOwner", entityId="nothing", ownerId=sam_id)
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "entityId"}

    # Owners change hands with a reason, in each kind of entity; the answer is the entity.
    for entity_id, typename in ((theirs["id"], "Objective"), (kr["id"], "KeyResult"),
                                (bet["id"], "Bet")):  # fmt: skip
        moved = await api.mutate(
            "assignOwner",
            f"__typename {OWNED}",
            entityId=entity_id,
            ownerId=lena_id,
            reason="Sam moved to pharmacy",
        )
        assert (moved["__typename"], moved["id"], moved["owner"]) == (
            typename,
            entity_id,
            {"handle": "lena"},
        )
        contributed = await api.mutate(
            "setContributors", OWNED, entityId=entity_id, personIds=[sam_id]
        )
        assert contributed["contributors"] == [{"handle": "sam"}]
    assert (await api.mutate("setContributors", OWNED, entityId=kr["id"], personIds=[]))[
        "contributors"
    ] == []
    trail = await api.data(
        "query($id: ID!) { auditTrail(filter: "
        '{entityId: $id, eventTypes: ["KeyResultOwnerAssigned"]}) '
        "{ nodes { actor actorPerson { handle } changes { field from to } reason } } }",
        id=kr["id"],
    )
    [assigned] = trail["auditTrail"]["nodes"]
    assert assigned["changes"] == [{"field": "ownerId", "from": priya_id, "to": lena_id}]
    assert assigned["reason"] == "Sam moved to pharmacy"
    assert assigned["actor"] == "admin" and assigned["actorPerson"] is None  # a token of nobody's

    # Only active people are assigned.
    await api.mutate("deactivatePerson", "id", id=priya_id)
    inactive = await refused(api, "assignOwner", entityId=theirs["id"], ownerId=priya_id)
    assert inactive["extensions"] == {"code": "BAD_USER_INPUT", "field": "ownerId"}

    owned = await api.data(
        """query($lena: ID!, $year: ID!) {
          objectives(ownerId: $lena) { nodes { title } }
          person(id: $lena) {
            ownedObjectives(cycleId: $year) { title }
            ownedKeyResults { title }
            ownedBets(status: PLACED) { title }
            resolved: ownedBets(status: VALIDATED) { title }
          }
        }""",
        lena=lena_id,
        year=year,
    )
    assert owned["objectives"]["nodes"] == [{"title": "Open grocery"}, {"title": "Win pharmacy"}]
    assert owned["person"] == {
        "ownedObjectives": [{"title": "Open grocery"}, {"title": "Win pharmacy"}],
        "ownedKeyResults": [{"title": "Pilots"}],
        "ownedBets": [{"title": "Discount"}],
        "resolved": [],
    }
    by_sam = await api.data(
        "query($id: ID!) { person(id: $id) { "
        "ownedObjectives { title } ownedKeyResults { title } } }",
        id=sam_id,
    )
    assert by_sam["person"] == {"ownedObjectives": [], "ownedKeyResults": []}


@pytest.fixture
async def clocked_api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    async with clocked(settings, clock) as api:
        yield api


ME = "{ me { handle ownedKeyResults { title } checkInsDue { title } } }"


async def test_me_and_the_check_ins_due(clocked_api: Api, clock: Clock) -> None:
    api = clocked_api
    acme = await api.team("Acme")
    support = await api.team("Support", acme)
    await api.mutate("setCheckInCadence", "id", teamId=support, days=7)
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    _, priya = await api.person("priya", (support, "LEAD"))
    objective = await api.mutate(
        "createObjective", "id", token=priya, cycleId=q4, teamId=support, title="Answer fast"
    )
    krs = {}
    for title in ("First response", "Resolution time", "Happy customers"):
        krs[title] = (
            await api.mutate(
                "addKeyResult",
                "id",
                token=priya,
                objectiveId=objective["id"],
                title=title,
                startValue=60,
                targetValue=15,
            )
        )["id"]
    annual = await api.objective(year, acme, "Grow")  # not hers: Ada's
    await api.key_result(annual["id"], "ARR")

    clock.on("2026-10-02")
    await api.check_in(krs["First response"], value=50, token=priya)
    clock.on("2026-10-09")
    await api.check_in(krs["Resolution time"], value=50, asOf="2026-10-01", token=priya)
    clock.on("2026-10-09")
    me = (await api.data(ME, token=priya))["me"]
    assert me["handle"] == "priya"
    assert me["ownedKeyResults"] == [{"title": t} for t in krs]
    # 8 days since asOf 1 October (Resolution) and since the quarter began (Happy customers),
    # 7 since the check-in of 2 October: the team's cadence is 7 days.
    assert me["checkInsDue"] == [{"title": "Resolution time"}, {"title": "Happy customers"}]
    clock.on("2026-10-20")
    due = (await api.data(ME, token=priya))["me"]["checkInsDue"]
    assert due == [{"title": "Resolution time"}, {"title": "Happy customers"},
                   {"title": "First response"}]  # fmt: skip
    await api.check_in(krs["Happy customers"], value=40, token=priya)
    due = (await api.data(ME, token=priya))["me"]["checkInsDue"]
    assert {"title": "Happy customers"} not in due
    # A token that speaks for nobody is nobody.
    assert await api.data(ME, token=await api.token()) == {"me": None}
    # Closed cycles are done: nothing is due there.
    clock.on("2027-01-05")
    await api.mutate("closeCycle", "id", id=q4)
    assert (await api.data(ME, token=priya))["me"]["checkInsDue"] == []


async def test_the_retrospective_per_owner(clocked_api: Api, clock: Clock) -> None:
    api = clocked_api
    acme = await api.team("Acme")
    year = await api.year()
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    _, ann = await api.person("ann", (acme, "LEAD"))
    bo_id, _ = await api.person("bo", (acme, "MEMBER"))
    clock.on("2026-01-02")
    objective = await api.mutate(
        "createObjective", "id", token=ann, cycleId=q1, teamId=acme, title="Grow", kind="COMMITTED"
    )
    hers = (await api.key_result(objective["id"], "ARR", startValue=0, targetValue=10,
                                 token=ann))["id"]  # fmt: skip
    his = (await api.key_result(objective["id"], "NPS", startValue=0, targetValue=10,
                                ownerId=bo_id, token=ann))["id"]  # fmt: skip
    # Ann forecast well (her key result is reached), Bo badly (his is not).
    await api.check_in(hers, value=5, confidence=0.9, token=ann)
    await api.check_in(hers, value=10, confidence=1.0, token=ann)
    await api.check_in(his, value=2, confidence=0.9, token=ann)
    clock.on("2026-04-02")
    await api.mutate("closeCycle", "id", id=q1)
    retro = await api.data(
        """query($c: ID!) { retrospective(cycleId: $c) { people {
            person { handle } objectiveCount keyResultCount averageGrade keyResultAverageGrade
            calibration { brierScore forecasts keyResults } } } }""",
        c=q1,
    )
    people = {p["person"]["handle"]: p for p in retro["retrospective"]["people"]}
    assert list(people) == ["ann", "bo"]
    assert people["ann"]["objectiveCount"] == 1 and people["ann"]["keyResultCount"] == 1
    assert people["ann"]["averageGrade"] == pytest.approx(0.6)  # (1.0 + 0.2) / 2
    assert people["ann"]["keyResultAverageGrade"] == pytest.approx(1.0)
    assert people["ann"]["calibration"] == {
        "brierScore": pytest.approx((0.1**2 + 0.0**2) / 2),
        "forecasts": 2,
        "keyResults": 1,
    }
    assert people["bo"]["objectiveCount"] == 0
    assert people["bo"]["keyResultAverageGrade"] == pytest.approx(0.2)
    assert people["bo"]["calibration"]["brierScore"] == pytest.approx(0.81)


async def test_the_audit_asks_who_owns_what(clocked_api: Api, clock: Clock) -> None:
    api = clocked_api
    acme = await api.team("Acme")
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    dan_id, dan = await api.person("dan", (acme, "MEMBER"))
    objective = await api.mutate(
        "createObjective", "id", token=dan, cycleId=q4, teamId=acme, title="Ship the app"
    )
    kr = (await api.key_result(objective["id"], "Rating", token=dan))["id"]
    await api.bet(kr, title="Answer reviews", token=dan)
    legacy = await api.token()  # an admin token that speaks for nobody: it sets no owner
    nobodys = (await api.key_result(objective["id"], "Crashes", startValue=9, targetValue=1,
                                    token=legacy))["id"]  # fmt: skip
    await api.check_in(kr, value=30)
    await api.check_in(nobodys, value=5)
    audit = """query($c: ID!) { alignmentAudit(cycleId: $c) { findings {
        kind severity entityType entityId message } } }"""

    def owned(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        return [
            (f["kind"], f["severity"], f["entityType"], f["entityId"])
            for f in report["alignmentAudit"]["findings"]
            if f["kind"] in ("INACTIVE_OWNER", "NO_OWNER")
        ]

    assert owned(await api.data(audit, c=q4)) == [("NO_OWNER", "INFO", "KEY_RESULT", nobodys)]
    await api.mutate("deactivatePerson", "id", id=dan_id)  # Dan left; his work stays his
    report = await api.data(audit, c=q4)
    bet_id = (await api.data("query($k: ID!) { keyResult(id: $k) { bets { id } } }", k=kr))[
        "keyResult"
    ]["bets"][0]["id"]
    assert owned(report) == [
        ("INACTIVE_OWNER", "WARNING", "OBJECTIVE", objective["id"]),
        ("INACTIVE_OWNER", "WARNING", "KEY_RESULT", kr),
        ("INACTIVE_OWNER", "WARNING", "BET", bet_id),
        ("NO_OWNER", "INFO", "KEY_RESULT", nobodys),
    ]
    message = next(f["message"] for f in report["alignmentAudit"]["findings"]
                   if f["entityId"] == kr)  # fmt: skip
    assert "Dan (dan), who is deactivated" in message and "assignOwner" in message
    # Handing the work over clears the findings.
    _, lena = await api.person("lena", (acme, "LEAD"))
    lena_id = (await api.data("{ me { id } }", token=lena))["me"]["id"]
    for entity in (objective["id"], kr, bet_id, nobodys):
        await api.mutate("assignOwner", "id", entityId=entity, ownerId=lena_id, token=lena)
    assert owned(await api.data(audit, c=q4)) == []


async def test_live_events_name_the_acting_person(api: Api) -> None:
    acme = await api.team("Acme")
    year = await api.year()
    _, lea = await api.person("lea", (acme, "LEAD"))
    objective = await api.mutate(
        "createObjective", "id", token=lea, cycleId=year, teamId=acme, title="Live"
    )
    query = """subscription($id: ID!) { events(entityId: $id) {
        eventType actor actorPerson { handle name } } }"""
    async with api.subscribe(query, id=objective["id"]) as live:
        await api.mutate(
            "updateObjective", "id", token=lea, id=objective["id"], expectedVersion=1, title="On"
        )
        await api.mutate(
            "updateObjective", "id", id=objective["id"], expectedVersion=2, title="Off"
        )
        by_lea, by_nobody = (await live.next())["events"], (await live.next())["events"]
    assert by_lea == {
        "eventType": "ObjectiveUpdated",
        "actor": "lea",
        "actorPerson": {"handle": "lea", "name": "Lea"},
    }
    assert by_nobody["actor"] == "admin" and by_nobody["actorPerson"] is None
