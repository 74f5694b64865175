"""``okra people import|list`` and ``okra token create --person``, run as an operator would,
beside a gateway on the same store."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.support.api import Api
from tests.support.processes import OKRA, okra, store_args

HEADER = "handle,name,email,team,role\n"


def attempt(*args: str) -> subprocess.CompletedProcess[str]:
    """``okra`` as an operator runs it, whether it succeeds or not."""
    return subprocess.run(
        [OKRA, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OKRA_LOG_LEVEL": "warning", "COLUMNS": "300"},  # errors on one line
    )


def people_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def members(api: Api) -> dict[str, Any]:
    await api.backend.catch_up()
    page = await api.data(
        "{ people { nodes { handle name email active memberships { role team { name } } } } }"
    )
    return {p["handle"]: p for p in page["people"]["nodes"]}


async def test_importing_people_is_all_or_nothing_and_idempotent(api: Api, tmp_path: Path) -> None:
    acme = await api.team("Acme")
    await api.team("Platform", acme)
    store = store_args(api.backend.settings)
    first = people_file(
        tmp_path,
        HEADER
        + "maya.chen,Maya Chen,maya@acme.example,Acme,LEAD\n"
        + "Maya.Chen,,,platform,member\n"  # handles and team names ignore case
        + "\n"
        + "tom,Tom Okafor,,Platform,champion\n"
        + "sam,Sam Rivera,,,\n",
    )
    imported = okra("people", "import", first, *store)
    assert imported.stdout.splitlines() == [
        "added maya.chen: Maya Chen <maya@acme.example>; joined Acme as LEAD; "
        "joined Platform as MEMBER",
        "added tom: Tom Okafor; joined Platform as CHAMPION",
        "added sam: Sam Rivera",
    ]
    # 3 people, 3 memberships, the directory opened and an email registered in it
    assert "3 added, 0 changed, 0 left alone (8 events)" in imported.stderr
    people = await members(api)
    assert people["maya.chen"]["memberships"] == [
        {"role": "LEAD", "team": {"name": "Acme"}},
        {"role": "MEMBER", "team": {"name": "Platform"}},
    ]
    head = api.backend.app.recorder.max_notification_id()

    again = okra("people", "import", first, *store)
    assert again.stdout.splitlines() == ["left alone maya.chen", "left alone tom", "left alone sam"]
    assert "0 added, 0 changed, 3 left alone (0 events)" in again.stderr
    assert api.backend.app.recorder.max_notification_id() == head

    # One bad row and nothing of the file is applied; the error names its line.
    for text, line, says in [
        ("tom,Tom O.,,Platform,LEAD\nines,Ines,not-an-email,,\n", 3, "email"),
        ("tom,Tom O.,,Platform,LEAD\nines,Ines,,Nowhere,\n", 3, "no team with id or name"),
        ("ines,Ines,,Acme,OWNER\n", 2, "role: must be one of LEAD, MEMBER, CHAMPION"),
        ("ines,Ines,maya@ACME.example,,\n", 2, "already the email of another person"),
        ("ines,,,,\n", 2, "ines is new: give their name"),
        ("bad handle,B,,,\n", 2, "handle"),
        ("ines,Ines,,,\nines,Other Ines,,,\n", 3, "name: differs from line 2"),
        ("ines,Ines,,,LEAD\n", 2, "role: a role needs a team"),
    ]:
        refused = attempt("people", "import", people_file(tmp_path, HEADER + text), *store)
        assert refused.returncode == 1, refused
        assert f"line {line}: " in refused.stderr and says in refused.stderr, refused.stderr
        assert "Nothing of the file was applied" in refused.stderr
        assert api.backend.app.recorder.max_notification_id() == head
    unknown = attempt("people", "import", people_file(tmp_path, "handle,teem\nx,y\n"), *store)
    assert unknown.returncode == 1 and "unknown column 'teem'" in unknown.stderr

    changed = okra(
        "people",
        "import",
        people_file(
            tmp_path,
            HEADER + "tom,Tom O.,tom@acme.example,Platform,LEAD\nines,Ines Garcia,,Acme,\n",
        ),
        *store,
    )
    assert changed.stdout.splitlines() == [
        "changed tom: name Tom Okafor → Tom O.; email none → tom@acme.example; "
        "Platform: CHAMPION → LEAD",
        "added ines: Ines Garcia; joined Acme as MEMBER",
    ]
    people = await members(api)
    assert people["tom"]["name"] == "Tom O." and people["tom"]["email"] == "tom@acme.example"
    assert set(people) == {"maya.chen", "tom", "sam", "ines"}

    listed = okra("people", "list", "--json", *store).stdout
    rows = {row["handle"]: row for row in map(json.loads, listed.splitlines())}
    assert rows["maya.chen"]["memberships"] == [
        {"team_id": acme, "team": "Acme", "role": "LEAD"},
        {"team_id": rows["maya.chen"]["memberships"][1]["team_id"], "team": "Platform",
         "role": "MEMBER"},
    ]  # fmt: skip
    assert rows["sam"] == {
        "id": rows["sam"]["id"],
        "handle": "sam",
        "name": "Sam Rivera",
        "email": None,
        "active": True,
        "memberships": [],
    }
    table = okra("people", "list", *store).stdout
    assert "maya.chen" in table and "Acme (LEAD)" in table


async def test_tokens_speak_for_people(api: Api, tmp_path: Path) -> None:
    acme = await api.team("Acme")
    year = await api.year()
    store = store_args(api.backend.settings)
    okra("people", "import", people_file(tmp_path, HEADER + "tom,Tom,,Acme,LEAD\n"), *store)
    created = okra("token", "create", "--person", "TOM", "--role", "member", *store)
    secret = created.stdout.strip()  # the token alone on standard output
    assert "Issued a member token for TOM" in created.stderr
    await api.backend.catch_up()
    assert await api.data("{ me { handle } }", token=secret) == {"me": {"handle": "tom"}}
    made = await api.mutate(
        "createObjective", "owner { handle }", token=secret, cycleId=year, teamId=acme, title="T"
    )
    assert made == {"owner": {"handle": "tom"}}
    [listed] = [
        json.loads(line)
        for line in okra("token", "list", "--json", *store).stdout.splitlines()
        if json.loads(line)["user"] == "tom"
    ]
    assert listed["person"] is not None and listed["teams"] == []
    for bad, says in [
        (["--person", "nobody"], "does not exist"),
        (["--person", "tom", "--team", "Acme"], "no user and no team flags"),
        (["--person", "tom", "--user", "tom"], "give --person"),
        ([], "give --person"),
    ]:
        refused = attempt("token", "create", *bad, *store)
        assert refused.returncode != 0 and says in refused.stderr, (bad, refused.stderr)
