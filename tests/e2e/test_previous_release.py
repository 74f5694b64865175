"""A store written by the previous release opens, verifies, serves and takes writes.

The fixture (tests/fixtures/release-0.1, see its README) was written by the release
before the domain's modules moved: its events and its snapshot name classes by their
old topics (``domain.objective:Objective.CheckInRecorded``). On PostgreSQL the same
history arrives through ``okra export`` / ``okra import``, byte for byte.

It was also written before people existed: its objectives, key results and bets were
recorded (``class_version`` 1) without an owner, and its tokens speak for free-text
users. They upcast to "no owner"; ``okra people import`` adopts the old users.
Its bets predate actions: each upcasts to name an action derived from it when read.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from gateway.settings import Settings
from tests.support.api import running
from tests.support.processes import okra, store_args

FIXTURE = Path(__file__).parents[1] / "fixtures" / "release-0.1"
EVENTS = 1_027
HEAD = "4f88166dc6b7746781c44aa196c3923616a6e609c5616180d2ee6b6c69bdded2"
ADMIN = "okra_D-PMzbKbWrVVQM8YwCAeCmZ95aba5XdkMyJD2zw2ld8"
REVOKED = "okra_Kdz6HYXPjcyrOprSYZh0vgtB6kzE-p8-BllxpzVFBMg"

PEOPLE = """handle,name,email,team,role
maya.chen,Maya Chen,maya@acme.example,Acme Robotics,LEAD
priya.nair,Priya Nair,,Support,LEAD
"""
OWNERS = """{
  objectives(first: 100) { nodes { owner { handle } contributors { handle }
    keyResults { owner { handle } contributors { handle } } bets { owner { handle } } } }
  auditTrail(first: 100, order: OLDEST_FIRST) { nodes { actor actorPerson { handle } } }
  me { handle }
}"""

RECOVERY = """
query($cycle: ID!) {
  objectives(cycleId: $cycle, first: 100) {
    nodes { id title version team { id } keyResults { id title version currentValue
            checkIns(first: 1) { totalCount } } }
  }
}
"""


def open_previous_release(settings: Settings, tmp_path: Path) -> None:
    """The fixture, copied into the store these settings name."""
    copy = tmp_path / "release-0.1"
    copy.mkdir()
    shutil.copy(FIXTURE / "events.sqlite", copy / "events.sqlite")
    if settings.database_url:
        backup = tmp_path / "events.jsonl"
        okra("export", "--out", str(backup), "--data-dir", str(copy))
        okra("import", str(backup), *store_args(settings))
    else:
        shutil.copytree(copy, settings.data_dir, dirs_exist_ok=True)


async def test_a_store_of_the_previous_release_keeps_working(
    settings: Settings, tmp_path: Path
) -> None:
    open_previous_release(settings, tmp_path)
    verified = okra("audit", "verify", *store_args(settings)).stdout
    assert verified.startswith(f"OK: {EVENTS:,} events in 116 streams verified")
    assert HEAD in verified
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    adopted = okra("people", "import", str(people), *store_args(settings))
    assert "2 added, 0 changed, 0 left alone (6 events)" in adopted.stderr

    async with running(settings) as api:
        # What was set before people existed has no owner; its actors, once people have
        # their handles, link to them; the old admin token now speaks for Maya.
        owned = await api.data(OWNERS, token=ADMIN)
        objectives = owned["objectives"]["nodes"]
        assert objectives and all(
            o["owner"] is None and o["contributors"] == [] for o in objectives
        )
        key_results = [kr for o in objectives for kr in o["keyResults"]]
        assert key_results and all(kr["owner"] is None for kr in key_results)
        bets = [b for o in objectives for b in o["bets"]]
        assert bets and all(b["owner"] is None for b in bets)
        actors = {(e["actor"], (e["actorPerson"] or {}).get("handle")) for e in
                  owned["auditTrail"]["nodes"]}  # fmt: skip
        assert ("maya.chen", "maya.chen") in actors
        assert owned["me"] == {"handle": "maya.chen"}
        counts = await api.data(
            "{ teams { totalCount } cycles { nodes { id name status } } "
            "objectives { totalCount } }",
            token=ADMIN,
        )
        assert counts["teams"]["totalCount"] == 7
        assert counts["objectives"]["totalCount"] == 28
        cycles = {c["name"]: c for c in counts["cycles"]["nodes"]}
        assert [cycles[f"2026-Q{q}"]["status"] for q in (1, 2, 3, 4)] == [
            "CLOSED",
            "CLOSED",
            "CLOSED",
            "OPEN",
        ]
        # Its bets were placed before actions existed: each shows as an action derived
        # from it when read (an upcast, no event rewritten), its status its outcome.
        actions = await api.data(
            "{ objectives(first: 100) { nodes { bets { id status action { id status "
            "derivedFromBet bet { id } } } } } actions(first: 100) { totalCount } }",
            token=ADMIN,
        )
        old_bets = [b for o in actions["objectives"]["nodes"] for b in o["bets"]]
        assert old_bets and actions["actions"]["totalCount"] == len(old_bets)
        for bet in old_bets:
            action = bet["action"]
            assert action["derivedFromBet"] is True and action["bet"] == {"id": bet["id"]}
            assert action["status"] == ("BET" if bet["status"] == "PLACED" else bet["status"])
        assert {b["status"] for b in old_bets} > {"PLACED"}
        # A token revoked before the upgrade stays revoked.
        refused = await api.client.post(
            "/graphql",
            json={"query": "{ teams { totalCount } }"},
            headers={"Authorization": f"Bearer {REVOKED}"},
        )
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

        # The objective with a snapshot (taken by the previous release) loads for a
        # command: a check-in lands on top of its old stream.
        q4 = cycles["2026-Q4"]["id"]
        page = await api.data(RECOVERY, token=ADMIN, cycle=q4)
        recovery = next(
            o for o in page["objectives"]["nodes"] if o["title"] == "Make recovery automatic"
        )
        kr = recovery["keyResults"][0]
        assert kr["title"].endswith("(fixture)")
        checked = await api.mutate(
            "recordCheckIn",
            "id version currentValue checkIns(first: 1) { totalCount }",
            token=ADMIN,
            keyResultId=kr["id"],
            value=kr["currentValue"] + 1,
            confidence=0.8,
            note="After the upgrade",
        )
        assert checked["version"] == kr["version"] + 1
        assert checked["checkIns"]["totalCount"] == kr["checkIns"]["totalCount"] + 1
        # Time travel replays old events (and starts from the old snapshot).
        before = await api.data(
            'query($id: ID!) { objective: objectiveAsOf(id: $id, asOf: "2026-12-04T00:00:00Z") '
            "{ entityId title } }",
            token=ADMIN,
            id=recovery["id"],
        )
        assert before["objective"]["title"] == "Make recovery automatic"

        # A new objective is owned by who sets it; the audit asks who owns the old ones.
        made = await api.mutate(
            "createObjective",
            "owner { handle }",
            token=ADMIN,
            cycleId=q4,
            teamId=objectives_team(page),
            title="After the upgrade",
        )
        assert made == {"owner": {"handle": "maya.chen"}}
        findings = await api.data(
            "query($c: ID!) { alignmentAudit(cycleId: $c) { counts { kind count } } }",
            token=ADMIN,
            c=q4,
        )
        kinds = {c["kind"] for c in findings["alignmentAudit"]["counts"]}
        assert "NO_OWNER" in kinds and "INACTIVE_OWNER" not in kinds

    after = okra("audit", "verify", *store_args(settings)).stdout
    assert after.startswith(f"OK: {EVENTS + 6 + 1 + 2:,} events")  # people, check-in, objective


def objectives_team(page: dict[str, Any]) -> str:
    team: str = page["objectives"]["nodes"][0]["team"]["id"]
    return team
