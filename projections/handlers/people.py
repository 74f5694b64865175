"""Documents of people, and the rows of their memberships.

A person's document lists their memberships (``{team_id, role, since}``); each is
also a row of the memberships view, so a team's members are found by an index. A
row stays when its person leaves the team, marked ``left`` (rows are never
deleted), and is rewritten if they join again.
"""

from __future__ import annotations

from domain.model.person import Person, email_key
from projections.documents import Batch, Doc, created, iso, revised
from projections.handlers.dispatch import project
from projections.views import MEMBERSHIPS


@project.register
def _(event: Person.PersonAdded, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        handle=event.handle,
        name=event.name,
        email=event.email,
        email_key=email_key(event.email),
        active=True,
        deactivated_at=None,
        memberships=[],
    )


@project.register(Person.PersonRenamed)
@project.register(Person.PersonEmailChanged)
def _(event: Person.PersonRenamed, doc: Doc, pos: int, batch: Batch) -> Doc:
    new = revised(doc, event.changes)
    return {**new, "email_key": email_key(new["email"])}


@project.register
def _(event: Person.PersonDeactivated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "active": False, "deactivated_at": iso(event.timestamp)}


@project.register
def _(event: Person.PersonReactivated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "active": True, "deactivated_at": None}


@project.register
def _(event: Person.NotificationPreferencesSet, doc: Doc, pos: int, batch: Batch) -> Doc:
    """The channels they muted (absent: none)."""
    return {**doc, "muted_channels": list(event.muted_channels)}


def _member(
    doc: Doc, event: Person.Event, pos: int, batch: Batch, team_id: str, role: str | None
) -> Doc:
    """The person's document with their role in that team (None: they left it), and
    the membership's row to match."""
    held = next((m for m in doc["memberships"] if m["team_id"] == team_id), None)
    since = held["since"] if held else iso(event.timestamp)
    joined = held["pos"] if held else pos  # a team lists its members in the order they joined
    batch.put(
        MEMBERSHIPS,
        {
            "id": f"{doc['id']}:{team_id}",
            "pos": joined,
            "person_id": doc["id"],
            "team_id": team_id,
            "role": role,
            "since": since,
            "left": role is None,
        },
    )
    if role is None:
        memberships = [m for m in doc["memberships"] if m is not held]
    elif held is None:
        entry = {"team_id": team_id, "role": role, "since": since, "pos": joined}
        memberships = [*doc["memberships"], entry]
    else:
        memberships = [{**m, "role": role} if m is held else m for m in doc["memberships"]]
    return {**doc, "memberships": memberships}


@project.register
def _(event: Person.TeamJoined, doc: Doc, pos: int, batch: Batch) -> Doc:
    return _member(doc, event, pos, batch, event.team_id, event.role)


@project.register
def _(event: Person.TeamRoleChanged, doc: Doc, pos: int, batch: Batch) -> Doc:
    return _member(doc, event, pos, batch, event.team_id, event.role)


@project.register
def _(event: Person.TeamLeft, doc: Doc, pos: int, batch: Batch) -> Doc:
    return _member(doc, event, pos, batch, event.team_id, None)
