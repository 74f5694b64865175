"""What notices are due on a day, computed from the view documents.

Silence is counted as the audit counts it (:func:`projections.audit.silence`): days
since a key result's latest check-in (its ``asOf``), or since the later of its
cycle's start and its creation. With the team's cadence ``c``:

- past ``c`` days, its owner is reminded (``CHECK_IN_DUE``);
- past ``2c``, the team's leads are told (``SILENCE_ESCALATED``, step 2);
- past ``3c``, the parent team's leads (step 3).

Each step is due on one day, which the notice's id carries (see
:mod:`domain.model.notice`), so it is sent once per silence; a check-in starts a
new silence. Only the step a key result has reached today is due: a scheduler that
was down for a week sends what is true today, not a backlog of stale steps.

The weekly digest of a team sums up its open cycles' objectives: scores and how they
moved over the week, committed key results at risk, stale ones, bets placed and
resolved in the week, and the audit's findings that the previous digest did not list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from domain.model.bet import BetStatus
from domain.model.cycle import CycleStatus
from domain.model.notice import NoticeKind, NotificationChannel
from domain.model.objective import ObjectiveStatus
from domain.model.roles import MemberRole
from projections import audit, judged, trends
from projections.documents import Doc
from projections.store import ViewStore
from projections.views import BETS, CYCLES, MEMBERSHIPS, OBJECTIVES, PEOPLE, TEAMS

DIGEST_WEEKDAY = 1  # Monday
DIGEST_HOUR = 9


@dataclass(frozen=True)
class Due:
    """A notice that is due: what the Notice aggregate is issued with."""

    kind: NoticeKind
    subject_id: str  # the key result, or the team of a digest
    team_id: str
    due_on: date
    summary: str
    recipients: list[dict[str, Any]]
    fields: dict[str, Any] = field(default_factory=dict)  # the event's own
    step: int = 1


def recipient(person: Doc) -> dict[str, Any]:
    """How a notice names a person, with the channels they have not muted."""
    muted = set(person.get("muted_channels") or [])
    return {
        "person_id": person["id"],
        "handle": person["handle"],
        "name": person["name"],
        "email": person.get("email"),
        "channels": [c.value for c in NotificationChannel if c.value not in muted],
    }


class Organisation:
    """Teams, people and memberships, read once per run."""

    def __init__(self, teams: list[Doc], people: list[Doc], memberships: list[Doc]) -> None:
        self.teams = {t["id"]: t for t in teams}
        self.people = {p["id"]: p for p in people}
        self.memberships = memberships

    @classmethod
    async def read(cls, store: ViewStore) -> Organisation:
        return cls(
            await store.find(TEAMS, {}),
            await store.find(PEOPLE, {}),
            await store.find(MEMBERSHIPS, {}),
        )

    def active(self, person_ids: Iterable[str | None]) -> list[Doc]:
        found: dict[str, Doc] = {}
        for person_id in person_ids:
            person = self.people.get(person_id or "")
            if person is not None and person["active"]:
                found.setdefault(person["id"], person)
        return list(found.values())

    def members(self, team_id: str, roles: Sequence[str] = tuple(MemberRole)) -> list[Doc]:
        return self.active(
            m["person_id"]
            for m in self.memberships
            if m["team_id"] == team_id and not m.get("left") and m["role"] in roles
        )

    def leads(self, team_id: str) -> list[Doc]:
        return self.members(team_id, (MemberRole.LEAD,))

    def name(self, team_id: str) -> str:
        team = self.teams.get(team_id)
        return team["name"] if team else "an unknown team"


async def open_work(store: ViewStore) -> tuple[list[Doc], dict[str, Doc]]:
    """The active objectives of open cycles, and those cycles by id."""
    cycles = {c["id"]: c for c in await store.find(CYCLES, {"status": CycleStatus.OPEN})}
    objectives = await store.find(OBJECTIVES, {"cycle_id": sorted(cycles)}) if cycles else []
    return [o for o in objectives if o["status"] == ObjectiveStatus.ACTIVE], cycles


async def silences_due(
    store: ViewStore, today: date, limits: audit.Thresholds, org: Organisation | None = None
) -> list[Due]:
    """The reminders and escalations due today, in the order of the objectives."""
    org = org or await Organisation.read(store)
    objectives, cycles = await open_work(store)
    due: list[Due] = []
    for objective in objectives:
        cycle = cycles[objective["cycle_id"]]
        starts, on = date.fromisoformat(cycle["starts_on"]), audit.evaluated_on(cycle, today)
        if on < starts or on < today:
            continue  # not begun, or past its last day: nothing more falls due
        team = org.teams.get(objective["team_id"], {})
        cadence = audit.cadence_of(team, limits)
        for kr in objective["key_results"]:
            found = _silence_step(org, objective, kr, starts, today, cadence)
            if found is not None:
                due.append(found)
    return due


def _silence_step(
    org: Organisation, objective: Doc, kr: Doc, starts: date, today: date, cadence: int
) -> Due | None:
    gap, quiet = audit.silence(kr, starts, today)
    step = min((gap - 1) // cadence, 3)  # past 1×, 2× or 3× the cadence
    if step < 1:
        return None
    since = today - timedelta(days=gap)
    due_on = since + timedelta(days=step * cadence + 1)
    team_id = objective["team_id"]
    where = f"“{kr['title']}” of “{objective['title']}” ({org.name(team_id)})"
    fields: dict[str, Any] = {
        "key_result_id": kr["id"],
        "objective_id": objective["id"],
        "title": kr["title"],
        "silent_days": gap,
        "cadence_days": cadence,
        "since": since.isoformat(),
    }
    if step == 1:
        owners = org.active([kr.get("owner_id") or objective.get("owner_id")])
        return Due(
            NoticeKind.CHECK_IN_DUE,
            kr["id"],
            team_id,
            due_on,
            f"Check-in due: {where} has had no check-in {quiet}, longer than the team's "
            f"{cadence}-day cadence.",
            [recipient(p) for p in owners],
            fields,
        )
    to_team = team_id if step == 2 else org.teams.get(team_id, {}).get("parent_id")
    if to_team is None:
        return None  # a top-level team: nobody above to tell
    return Due(
        NoticeKind.SILENCE_ESCALATED,
        kr["id"],
        team_id,
        due_on,
        f"Silent key result: {where} has had no check-in {quiet}, past {step}× the team's "
        f"{cadence}-day cadence.",
        [recipient(p) for p in org.leads(to_team)],
        {**fields, "step": step, "escalated_to_team_id": to_team},
        step=step,
    )


# -- the weekly digest -------------------------------------------------------------------


def digest_due(team: Doc, local: datetime) -> bool:
    """Whether a team's digest is due at that local time: its weekday, its hour or later."""
    weekday = team.get("digest_weekday") or DIGEST_WEEKDAY
    hour = team.get("digest_hour")
    return local.isoweekday() == weekday and local.hour >= (DIGEST_HOUR if hour is None else hour)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


async def digest(
    store: ViewStore,
    team_id: str,
    today: date,
    limits: audit.Thresholds,
    previous: dict[str, Any] | None = None,
    org: Organisation | None = None,
) -> Due | None:
    """A team's digest of the week ending ``today`` (``previous``: the digest of the
    week before, whose findings are not new); None for an unknown team, or one with no
    active objective in an open cycle."""
    org = org or await Organisation.read(store)
    team = org.teams.get(team_id)
    if team is None:
        return None
    week_ago = today - timedelta(days=7)
    objectives, cycles = await open_work(store)
    mine = [o for o in objectives if o["team_id"] == team_id]
    if not mine:
        return None  # no open objectives: nothing to sum up
    histories = await trends.key_result_histories(
        store, mine, {c: trends.span(doc)[0] for c, doc in cycles.items()}
    )
    scores, weeks = [], []
    for o in mine:
        history = trends.ObjectiveHistory(o, histories[o["id"]], trends.span(cycles[o["cycle_id"]]))
        then, now = history.point_on(week_ago), history.point_on(today)
        scores.append(
            {
                "objective_id": o["id"],
                "title": o["title"],
                "kind": o["kind"],
                "score": _round(now.score if now else o.get("score")),
                "change": _round(
                    now.score - then.score
                    if now and then and now.score is not None and then.score is not None
                    else None
                ),
            }
        )
        weeks.append(history)
    first = min(trends.span(cycles[o["cycle_id"]])[0] for o in mine)
    days = trends.buckets(first, today, "WEEK")
    trend = [
        {"on": p.at.isoformat(), "score": p.score, "confidence": p.confidence}
        for p in trends.team_trend(weeks, days)
    ]
    findings: list[dict[str, Any]] = []
    for cycle_id in sorted({o["cycle_id"] for o in mine}):
        for f in await judged.audit_of(store, cycles[cycle_id], today, limits, {team_id}):
            findings.append(
                {
                    "kind": f.kind.value,
                    "entity_id": f.entity_id,
                    "message": f.message,
                    "severity": f.severity.value,
                }
            )
    seen = {(f["kind"], f["entity_id"]) for f in (previous or {}).get("findings", [])}
    at_risk = [f for f in findings if f["kind"] == audit.FindingKind.COMMITTED_AT_RISK]
    stale = [f for f in findings if f["kind"] == audit.FindingKind.STALE_KEY_RESULT]
    new = [f for f in findings if (f["kind"], f["entity_id"]) not in seen]
    bets = await store.find(BETS, {"team_id": team_id})
    start = week_ago.isoformat()

    def in_week(moment: str | None) -> bool:
        return moment is not None and start < moment[:10] <= today.isoformat()

    placed = [
        {"id": b["id"], "title": b["title"], "stake": b["stake"]}
        for b in bets
        if in_week(b.get("created_at"))
    ]
    resolved = [
        {"id": b["id"], "title": b["title"], "outcome": b["status"]}
        for b in bets
        if b["status"] != BetStatus.PLACED and in_week(b.get("resolved_at"))
    ]
    content = {
        "week": {"from": (week_ago + timedelta(days=1)).isoformat(), "to": today.isoformat()},
        "team": {"id": team_id, "name": team["name"]},
        "objectives": scores,
        "trend": trend,
        "at_risk": at_risk,
        "stale": stale,
        "bets_placed": placed,
        "bets_resolved": resolved,
        "new_findings": new,
        "findings": [{"kind": f["kind"], "entity_id": f["entity_id"]} for f in findings],
    }
    summary = (
        f"{team['name']}, week to {today.isoformat()}: {len(scores)} objectives, "
        f"{len(at_risk)} at risk, {len(stale)} stale, {len(placed)} bets placed, "
        f"{len(resolved)} resolved, {len(new)} new findings."
    )
    return Due(
        NoticeKind.DIGEST,
        team_id,
        team_id,
        today,
        summary,
        [recipient(p) for p in org.members(team_id)],
        {"digest": content},
    )


# -- broken data sources -----------------------------------------------------------------


def source_broken(
    org: Organisation, source: Doc, objective: Doc | None, failing_since: str
) -> Due | None:
    """The notice that a key result's data source is broken (failed ``BROKEN_AFTER``
    times in a row), to the key result's owner (else the objective's). One per streak:
    its subject is the source and the moment the streak began, which the next
    failures do not change and a successful run ends."""
    if objective is None:
        return None
    rows = [k for k in objective["key_results"] if k["id"] == source["key_result_id"]]
    if not rows:
        return None
    kr, team_id = rows[0], source["team_id"]
    owners = org.active([kr.get("owner_id") or objective.get("owner_id")])
    where = f"“{kr['title']}” of “{objective['title']}” ({org.name(team_id)})"
    return Due(
        NoticeKind.DATA_SOURCE_BROKEN,
        f"{source['id']}@{failing_since}",
        team_id,
        date.fromisoformat(failing_since[:10]),
        f"Data source broken: the {source['kind']} source of {where} has failed "
        f"{source['failures']} times in a row; the last error: {source.get('last_error')}.",
        [recipient(p) for p in owners],
        {
            "source_id": source["id"],
            "source_kind": source["kind"],
            "key_result_id": kr["id"],
            "objective_id": objective["id"],
            "title": kr["title"],
            "failures": source["failures"],
            "last_error": source.get("last_error"),
            "failing_since": failing_since,
        },
    )
