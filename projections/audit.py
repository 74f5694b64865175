"""The alignment audit: findings about a cycle's OKRs, derived from the view documents.

Findings are computed when asked, from the current documents (objectives with their
key results and latest check-in, bets, teams, the cycle and the strategy map), never
from the log. Most of them depend on more than one aggregate (a key result is served
by bets and by other teams' objectives; every objective becomes untagged the moment a
strategy map exists; a stake is judged against the whole cycle's bets) and several on
the date, so a stored table of findings would be rewritten wholesale by single events
and would still be stale by tomorrow. The audit of a cycle reads eight indexed queries
(the people who own what it judges, its actions and the cycle's data sources).

``today`` comes from the caller (the application's clock), which keeps the audit
deterministic under test; a closed cycle is judged as of the day it ended.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from domain.model.bet import BetStatus
from domain.model.cycle import CycleStatus
from domain.model.data_source import BROKEN_AFTER, SourceStatus
from domain.model.objective import ObjectiveKind, ObjectiveStatus
from projections.documents import Doc
from projections.numbers import finite, ratio
from projections.store import ViewStore
from projections.views import (
    ACTIONS,
    BETS,
    CYCLES,
    DATA_SOURCES,
    OBJECTIVES,
    PEOPLE,
    STRATEGY_MAPS,
    TEAMS,
)


class FindingKind(StrEnum):
    """What the audit finds, in report order: most urgent first."""

    COMMITTED_AT_RISK = "COMMITTED_AT_RISK"
    TANGENT_BET = "TANGENT_BET"
    ORPHAN_OBJECTIVE = "ORPHAN_OBJECTIVE"
    UNSERVED_KEY_RESULT = "UNSERVED_KEY_RESULT"
    STALE_KEY_RESULT = "STALE_KEY_RESULT"
    KEY_ACTION_IDLE = "KEY_ACTION_IDLE"
    BROKEN_DATA_SOURCE = "BROKEN_DATA_SOURCE"
    INACTIVE_OWNER = "INACTIVE_OWNER"
    OVERLOADED_TEAM = "OVERLOADED_TEAM"
    UNTAGGED_OBJECTIVE = "UNTAGGED_OBJECTIVE"
    NO_OWNER = "NO_OWNER"


class Severity(StrEnum):
    CRITICAL = "CRITICAL"
    WARNING = "WARNING"
    INFO = "INFO"


class FindingEntityType(StrEnum):
    TEAM = "TEAM"
    OBJECTIVE = "OBJECTIVE"
    KEY_RESULT = "KEY_RESULT"
    BET = "BET"
    ACTION = "ACTION"


SEVERITY = {
    FindingKind.COMMITTED_AT_RISK: Severity.CRITICAL,
    FindingKind.TANGENT_BET: Severity.CRITICAL,
    FindingKind.ORPHAN_OBJECTIVE: Severity.WARNING,
    FindingKind.UNSERVED_KEY_RESULT: Severity.WARNING,
    FindingKind.STALE_KEY_RESULT: Severity.WARNING,
    FindingKind.KEY_ACTION_IDLE: Severity.WARNING,
    FindingKind.BROKEN_DATA_SOURCE: Severity.WARNING,
    FindingKind.INACTIVE_OWNER: Severity.WARNING,
    FindingKind.OVERLOADED_TEAM: Severity.WARNING,
    FindingKind.UNTAGGED_OBJECTIVE: Severity.INFO,
    FindingKind.NO_OWNER: Severity.INFO,
}
KINDS = tuple(FindingKind)


@dataclass(frozen=True)
class Thresholds:
    cadence_days: int = 14
    unserved_after: float = 1 / 3
    max_objectives: int = 5
    max_key_results: int = 5
    stake_factor: float = 3.0
    at_risk_confidence: float = 0.5
    key_action_idle_after: float = 0.5


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    entity_type: FindingEntityType
    entity_id: str
    team_id: str
    message: str
    objective_id: str | None = None
    measured: float | None = None
    threshold: float | None = None

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]


@dataclass
class Facts:
    """Every document the audit of one cycle reads."""

    cycle: Doc
    objectives: list[Doc]
    teams: dict[str, Doc]
    bets: list[Doc]
    cascaded: dict[str, list[Doc]]  # key result id -> objectives cascading from it
    strategy_map: Doc | None
    people: dict[str, Doc] = field(default_factory=dict)  # the owners, by id
    actions: list[Doc] = field(default_factory=list)
    sources: list[Doc] = field(default_factory=list)  # connected data sources
    by_id: dict[str, Doc] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {o["id"]: o for o in self.objectives}


async def gather(store: ViewStore, cycle_id: str) -> Facts | None:
    """The documents the audit of a cycle needs; ``None`` if there is no such cycle."""
    cycle = (await store.get(CYCLES, [cycle_id])).get(cycle_id)
    if cycle is None:
        return None
    objectives = await store.find(OBJECTIVES, {"cycle_id": cycle_id})
    key_result_ids = [kr["id"] for o in objectives for kr in o["key_results"]]
    cascaded: dict[str, list[Doc]] = {}
    if key_result_ids:
        for child in await store.find(OBJECTIVES, {"parent_key_result_id": key_result_ids}):
            cascaded.setdefault(child["parent_key_result_id"], []).append(child)
    maps = await store.find(STRATEGY_MAPS, {})
    bets = await store.find(BETS, {"cycle_id": cycle_id})
    return Facts(
        cycle=cycle,
        objectives=objectives,
        teams={t["id"]: t for t in await store.find(TEAMS, {})},
        bets=bets,
        cascaded=cascaded,
        strategy_map=maps[0] if maps else None,
        people=await store.get(PEOPLE, owners(objectives, bets)),
        actions=await store.find(ACTIONS, {"cycle_id": cycle_id}),
        sources=await store.find(
            DATA_SOURCES, {"cycle_id": cycle_id, "status": SourceStatus.CONNECTED}
        ),
    )


def owners(objectives: Iterable[Doc], bets: Iterable[Doc] = ()) -> list[str]:
    """The ids of the people who own these objectives, their key results or these bets,
    in the order they first appear."""
    found: dict[str, None] = {}
    for objective in objectives:
        for row in (objective, *objective["key_results"]):
            if row.get("owner_id"):
                found.setdefault(row["owner_id"])
    for bet in bets:
        if bet.get("owner_id"):
            found.setdefault(bet["owner_id"])
    return list(found)


def evaluated_on(cycle: Doc, today: date) -> date:
    """The day the audit judges the cycle at: today, or the day the cycle ended."""
    on = min(today, date.fromisoformat(cycle["ends_on"]))
    if cycle["status"] == CycleStatus.CLOSED and cycle.get("closed_at"):
        on = min(on, datetime.fromisoformat(cycle["closed_at"]).date())
    return on


def audit(facts: Facts, today: date, limits: Thresholds) -> list[Finding]:
    """Every finding of the cycle, most urgent kind first, then in creation order.

    Judged in two steps, the very ones the projector's maintained rows take
    (:mod:`projections.judged`): :func:`judge` decides what the documents alone decide
    (per team: a row the projector keeps), :func:`settle` what also needs the day, the
    people, the strategy map and the whole cycle's stakes."""
    return settle(
        [judge(facts, limits)],
        facts.cycle,
        today,
        facts.people,
        facts.strategy_map is not None,
        broken_sources(facts.sources, facts.by_id, facts.teams),
        limits,
    )


def in_teams(findings: Iterable[Finding], team_ids: set[str]) -> list[Finding]:
    return [f for f in findings if f.team_id in team_ids]


def team_and_below(teams: dict[str, Doc], team_id: str) -> set[str]:
    below: dict[str | None, list[str]] = {}
    for team in teams.values():
        below.setdefault(team["parent_id"], []).append(team["id"])
    found, frontier = {team_id}, [team_id]
    while frontier:
        frontier = [child for parent in frontier for child in below.get(parent, [])]
        found.update(frontier)
    return found


def cadence_of(team: Doc, limits: Thresholds) -> int:
    """The days a team lets pass between check-ins: its own cadence, or the default."""
    days: int = team.get("check_in_cadence_days") or limits.cadence_days
    return days


def silence(kr: Doc, starts: date, on: date) -> tuple[int, str]:
    """How many days a key result has gone without a check-in by ``on`` (since its latest
    ``asOf``; without one, since the later of the cycle's start and its creation), and
    how to say so."""
    return _silence(kr["as_of"], max(starts, datetime.fromisoformat(kr["created_at"]).date()), on)


def _silence(as_of: str | None, since: date, on: date) -> tuple[int, str]:
    if as_of:
        gap = (on - date.fromisoformat(as_of)).days
        return gap, f"for {gap} days"
    gap = (on - since).days
    return gap, f"in the {gap} days since it was set"


def overdue(
    objective: Doc, kr: Doc, cycle: Doc, team: Doc, today: date, limits: Thresholds
) -> int | None:
    """The days a key result of an open objective in an open cycle has gone without a
    check-in, when that is longer than its team's cadence (a check-in is due, as
    STALE_KEY_RESULT says); else None."""
    if objective["status"] != ObjectiveStatus.ACTIVE or cycle["status"] != CycleStatus.OPEN:
        return None
    starts, on = date.fromisoformat(cycle["starts_on"]), evaluated_on(cycle, today)
    if on < starts:
        return None
    gap, _ = silence(kr, starts, on)
    return gap if gap > cadence_of(team, limits) else None


# -- the two steps --------------------------------------------------------------------
#
# A judgement is JSON (the projector stores one per team and cycle): ``found``, the
# findings the documents alone decide, and ``pending``, the candidates that wait on
# what only the asking moment knows (each says what it ``waits`` on), plus the stakes'
# costs per unit that the whole cycle's medians are made of; both as lists, not
# objects (a cycle of a big organisation holds tens of thousands). Every one carries a
# ``key``: (section, position in the log, row) in the order the audit reads the cycle
# (objectives and their key results, teams, bets, actions, data sources), so that
# findings merged from many rows sort as one audit of the whole cycle does.

OBJECTIVES_SECTION, TEAMS_SECTION, BETS_SECTION, ACTIONS_SECTION, SOURCES_SECTION = range(5)
Key = list[int]


class Waits(StrEnum):
    """What a pending candidate waits on."""

    MAP = "MAP"  # an untagged objective matters once a strategy map exists
    OWNER = "OWNER"  # an owned thing matters if its owner is deactivated
    SILENCE = "SILENCE"  # a key result goes stale with the days
    UNSERVED = "UNSERVED"  # a key result nobody serves, past a share of the cycle
    IDLE = "IDLE"  # a key action still an idea, past a share of the cycle
    STAKE = "STAKE"  # a stake judged against the cycle's median


_KIND = {kind.value: kind for kind in FindingKind}
_ENTITY = {entity.value: entity for entity in FindingEntityType}


def stored(
    kind: FindingKind,
    entity_type: FindingEntityType,
    entity_id: str,
    team_id: str,
    message: str,
    objective_id: str | None = None,
    measured: float | None = None,
    threshold: float | None = None,
) -> list[Any]:
    """A finding as stored: a list in field order (a cycle's rows hold tens of
    thousands; field names would be a third of them), made without the dataclass (a
    team's judgement is remade after every batch that touches it)."""
    return [
        kind.value,
        entity_type.value,
        entity_id,
        team_id,
        message,
        objective_id,
        measured,
        threshold,
    ]


def finding_of(doc: list[Any]) -> Finding:
    kind, entity_type, *rest = doc
    return Finding(_KIND[kind], _ENTITY[entity_type], *rest)


def live(objective: Doc) -> bool:
    """Whether the audit judges an objective (closing a cycle grades its archived
    objectives too; they stay left out)."""
    return bool(
        objective["status"] != ObjectiveStatus.ARCHIVED and not objective.get("archived_at_close")
    )


def judge(facts: Facts, limits: Thresholds) -> Doc:
    """What the documents alone decide about these objectives, bets and actions (one
    team's, or a whole cycle's): ``facts`` needs its teams (names, parents, cadences,
    units) and the objectives cascading from its key results; not the people, the
    strategy map or the data sources, which :func:`settle` is given."""
    return _Judge(facts, limits).judgement()


class _Judge:
    def __init__(self, facts: Facts, limits: Thresholds) -> None:
        self.facts = facts
        self.limits = limits
        self.starts_on: str = facts.cycle["starts_on"]
        self.live = [o for o in facts.objectives if live(o)]
        self.served = Counter(
            b["key_result_id"] for b in facts.bets if b["status"] != BetStatus.WITHDRAWN
        ) + Counter(
            kr_id
            for kr_id, children in facts.cascaded.items()
            for child in children
            if child["status"] != ObjectiveStatus.ARCHIVED
        )
        self.found: list[list[Any]] = []
        self.pending: list[list[Any]] = []

    def judgement(self) -> Doc:
        self.objectives()
        self.teams()
        costs = self.bets()
        self.actions()
        return {"found": self.found, "pending": self.pending, "costs": costs}

    def add(self, key: Key, finding: list[Any]) -> None:
        self.found.append([key, finding])

    def wait(
        self, key: Key, waits: Waits, entity_id: str, team_id: str, objective_id: str, *more: Any
    ) -> None:
        """A candidate, stored as ``[key, waits, entity, team, objective, *more]``
        (``more``: what :func:`settle` reads for that kind of wait)."""
        self.pending.append([key, waits.value, entity_id, team_id, objective_id, *more])

    def team_name(self, team_id: str) -> str:
        team = self.facts.teams.get(team_id)
        return team["name"] if team else "an unknown team"

    def objectives(self) -> None:
        for objective in self.live:
            key = [OBJECTIVES_SECTION, objective["pos"], 0]
            self.objective(key, objective)
            is_open = objective["status"] == ObjectiveStatus.ACTIVE
            if is_open:
                self.ownership(key, objective, objective, FindingEntityType.OBJECTIVE)
            for index, key_result in enumerate(objective["key_results"], 1):
                row_key = [OBJECTIVES_SECTION, objective["pos"], index]
                self.key_result(row_key, objective, key_result)
                if is_open:
                    self.ownership(row_key, objective, key_result, FindingEntityType.KEY_RESULT)

    def ownership(self, key: Key, o: Doc, owned: Doc, kind: FindingEntityType) -> None:
        """An open objective, key result or placed bet owned by nobody (someone should
        answer for it), or waiting to be judged against its owner (deactivated: someone
        must take it over)."""
        team_id = owned["team_id"] if kind == FindingEntityType.BET else o["team_id"]
        name = self.team_name(team_id)
        what = f"“{owned['title']}” ({name})"
        if kind == FindingEntityType.KEY_RESULT:
            what = f"Key result “{owned['title']}” of “{o['title']}” ({name})"
        elif kind == FindingEntityType.BET:
            what = f"Bet {what}"
        owner_id = owned.get("owner_id")
        if owner_id is None:
            self.add(
                key,
                stored(
                    FindingKind.NO_OWNER,
                    kind,
                    owned["id"],
                    team_id,
                    f"{what} has no owner: assign one, so that someone answers for it.",
                    objective_id=o["id"],
                ),
            )
            return
        self.wait(key, Waits.OWNER, owned["id"], team_id, o["id"], owner_id, kind.value, what)

    def objective(self, key: Key, o: Doc) -> None:
        team = self.facts.teams.get(o["team_id"])
        name, title = self.team_name(o["team_id"]), o["title"]
        if team and team["parent_id"] and not o["parent_key_result_id"] and not o["aligned_with"]:
            above = self.team_name(team["parent_id"])
            self.add(
                key,
                stored(
                    FindingKind.ORPHAN_OBJECTIVE,
                    FindingEntityType.OBJECTIVE,
                    o["id"],
                    o["team_id"],
                    f"“{title}” ({name}) cascades from no key result and aligns with no "
                    f"other objective: link it to the key result of {above} it serves, or "
                    f"ask why {name} pursues it.",
                    objective_id=o["id"],
                ),
            )
        if not o.get("values") and not o.get("constituents"):
            untagged = stored(
                FindingKind.UNTAGGED_OBJECTIVE,
                FindingEntityType.OBJECTIVE,
                o["id"],
                o["team_id"],
                f"“{title}” ({name}) serves no value or constituent of the strategy map: "
                "tag what it serves, or ask whether it belongs in this cycle.",
                objective_id=o["id"],
            )
            self.wait(key, Waits.MAP, o["id"], o["team_id"], o["id"], untagged)
        count = len(o["key_results"])
        if count > self.limits.max_key_results:
            self.add(
                key,
                stored(
                    FindingKind.OVERLOADED_TEAM,
                    FindingEntityType.TEAM,
                    o["team_id"],
                    o["team_id"],
                    f"“{title}” ({name}) has {count} key results, more than "
                    f"{self.limits.max_key_results}: keep the few that best show it is met.",
                    objective_id=o["id"],
                    measured=count,
                    threshold=self.limits.max_key_results,
                ),
            )

    def key_result(self, key: Key, o: Doc, kr: Doc) -> None:
        name, title = self.team_name(o["team_id"]), kr["title"]
        where = f"“{title}” of “{o['title']}” ({name})"
        confidence = kr["confidence"]
        if (
            o["kind"] == ObjectiveKind.COMMITTED
            and confidence is not None
            and confidence < self.limits.at_risk_confidence
        ):
            self.add(
                key,
                stored(
                    FindingKind.COMMITTED_AT_RISK,
                    FindingEntityType.KEY_RESULT,
                    kr["id"],
                    o["team_id"],
                    f"Committed key result {where} stands at confidence {confidence:g}, "
                    f"below {self.limits.at_risk_confidence:g}: agree on a recovery plan or "
                    "renegotiate the commitment now.",
                    objective_id=o["id"],
                    measured=confidence,
                    threshold=self.limits.at_risk_confidence,
                ),
            )
        row = (kr["id"], o["team_id"], o["id"])
        if not self.served[kr["id"]]:
            self.wait(key, Waits.UNSERVED, *row, where)
        # ISO dates compare as text; a time's date is its first ten characters.
        since = max(self.starts_on, kr["created_at"][:10])
        cadence = cadence_of(self.facts.teams.get(o["team_id"]) or {}, self.limits)
        self.wait(key, Waits.SILENCE, *row, where, kr["as_of"], since, cadence)

    def teams(self) -> None:
        first: dict[str, int] = {}
        counts: Counter[str] = Counter()
        for o in self.live:
            first.setdefault(o["team_id"], o["pos"])
            counts[o["team_id"]] += 1
        for team_id, count in counts.items():
            if count > self.limits.max_objectives:
                name = self.team_name(team_id)
                self.add(
                    [TEAMS_SECTION, first[team_id], 0],
                    stored(
                        FindingKind.OVERLOADED_TEAM,
                        FindingEntityType.TEAM,
                        team_id,
                        team_id,
                        f"{name} has {count} objectives in {self.facts.cycle['name']}, more "
                        f"than {self.limits.max_objectives}: merge or drop some so the team "
                        "can focus.",
                        measured=count,
                        threshold=self.limits.max_objectives,
                    ),
                )

    def bets(self) -> dict[str, list[float]]:
        """The placed bets' findings, and the costs (stake per whole key result expected)
        of every bet that counts towards its unit's median."""
        by_unit: dict[str, list[float]] = {}
        for bet in self.facts.bets:
            objective = self.facts.by_id.get(bet["objective_id"])
            progress = self.progress(bet)
            cost = None
            if (
                bet["status"] != BetStatus.WITHDRAWN
                and objective is not None
                and objective["status"] != ObjectiveStatus.ARCHIVED
                and progress is not None
                and progress > 0
            ):
                cost = ratio(bet["stake"], progress)
                by_unit.setdefault(self.unit(bet), []).append(cost)
            if bet["status"] == BetStatus.PLACED and objective is not None:
                key = [BETS_SECTION, bet["pos"], 0]
                self.tangent(key, bet, objective, cost, progress)
                self.ownership(key, objective, bet, FindingEntityType.BET)
        return by_unit

    def tangent(
        self, key: Key, bet: Doc, objective: Doc, cost: float | None, progress: float | None
    ) -> None:
        name, unit = self.team_name(bet["team_id"]), self.unit(bet)
        key_result = self.key_result_doc(bet)
        what = f"“{key_result['title']}”" if key_result else "its key result"
        stakes = f"Bet “{bet['title']}” ({name}) stakes {bet['stake']:g} {unit}"
        status = objective["status"]
        if status in (ObjectiveStatus.CLOSED, ObjectiveStatus.ARCHIVED):
            self.add(
                key,
                stored(
                    FindingKind.TANGENT_BET,
                    FindingEntityType.BET,
                    bet["id"],
                    bet["team_id"],
                    f"{stakes} on {what}, whose objective “{objective['title']}” is "
                    f"{status.lower()}: resolve or withdraw it, and move the effort to a "
                    "live key result.",
                    objective_id=objective["id"],
                ),
            )
            return
        if progress is not None and progress <= 0:
            self.add(
                key,
                stored(
                    FindingKind.TANGENT_BET,
                    FindingEntityType.BET,
                    bet["id"],
                    bet["team_id"],
                    f"{stakes} but expects no progress on {what}: restate the impact it "
                    "should have, or withdraw it.",
                    objective_id=objective["id"],
                    measured=round(progress, 3),
                    threshold=0.0,
                ),
            )
            return
        if cost is not None and progress is not None:
            self.wait(
                key,
                Waits.STAKE,
                bet["id"],
                bet["team_id"],
                objective["id"],
                unit,
                cost,
                progress,
                stakes,
                what,
            )

    def key_result_doc(self, bet: Doc) -> Doc | None:
        objective = self.facts.by_id.get(bet["objective_id"])
        for kr in objective["key_results"] if objective else []:
            if kr["id"] == bet["key_result_id"]:
                found: Doc = kr
                return found
        return None

    def progress(self, bet: Doc) -> float | None:
        """The share of its key result the bet expects to deliver: odds × impact / span."""
        kr = self.key_result_doc(bet)
        if kr is None:
            return None
        if kr["milestones"]:
            span = float(len(kr["milestones"]))
        else:
            span = finite(float(kr["target_value"]) - float(kr["start_value"]))
        expected = finite(float(bet["odds"]) * float(bet["expected_impact"]))
        return ratio(expected, span) if span else None

    def actions(self) -> None:
        """Key actions still ideas (the team called them important, yet neither bet on
        them nor dropped them): they wait on a share of the cycle passing."""
        for action in self.facts.actions:
            objective = self.facts.by_id.get(action["objective_id"])
            if not action["key"] or action["status"] != "IDEA" or objective not in self.live:
                continue
            self.wait(
                [ACTIONS_SECTION, action["pos"], 0],
                Waits.IDLE,
                action["id"],
                action["team_id"],
                action["objective_id"],
                action["title"],
                self.team_name(action["team_id"]),
            )

    def unit(self, bet: Doc) -> str:
        team = self.facts.teams.get(bet["team_id"])
        return str(team["stake_unit"]) if team else ""


def broken_sources(
    sources: Iterable[Doc], objectives: dict[str, Doc], teams: dict[str, Doc]
) -> list[tuple[Key, Finding]]:
    """A data source that failed ``BROKEN_AFTER`` times in a row: its key result stops
    moving while everyone thinks it updates itself (``objectives``: at least those of
    these sources; ``teams``: at least theirs)."""
    found = []
    for source in sources:
        objective = objectives.get(source["objective_id"])
        if source["failures"] < BROKEN_AFTER or objective is None or not live(objective):
            continue
        title = next(
            (kr["title"] for kr in objective["key_results"] if kr["id"] == source["key_result_id"]),
            "a key result",
        )
        team = teams.get(objective["team_id"])
        name = team["name"] if team else "an unknown team"
        finding = Finding(
            FindingKind.BROKEN_DATA_SOURCE,
            FindingEntityType.KEY_RESULT,
            source["key_result_id"],
            objective["team_id"],
            f"The {source['kind']} data source of “{title}” of “{objective['title']}” "
            f"({name}) failed {source['failures']} times in a row (last: "
            f"{source['last_error']}): fix it, or disconnect it and check in by hand.",
            objective_id=objective["id"],
            measured=source["failures"],
            threshold=BROKEN_AFTER,
        )
        found.append(([SOURCES_SECTION, source["pos"], 0], finding))
    return found


def settle(
    judgements: Iterable[Doc],
    cycle: Doc,
    today: date,
    people: dict[str, Doc],
    has_map: bool,
    sources: Iterable[tuple[Key, Finding]],
    limits: Thresholds,
    costs: Iterable[dict[str, list[float]]] | None = None,
) -> list[Finding]:
    """The findings of a cycle from its judgements: what they found, and those of their
    candidates that the day (``today``, or the day a closed cycle ended), the people
    (``people``: at least the owners of the candidates), the strategy map and the
    cycle's stake medians bear out; most urgent kind first, then in the audit's order.
    ``costs``: every team's of the cycle, when ``judgements`` are only some teams'."""
    judgements = list(judgements)
    on = evaluated_on(cycle, today)
    starts = date.fromisoformat(cycle["starts_on"])
    ends = date.fromisoformat(cycle["ends_on"])
    elapsed = (on - starts).days / max((ends - starts).days, 1)
    days = (on - starts).days
    by_unit: dict[str, list[float]] = {}
    for part in (j["costs"] for j in judgements) if costs is None else costs:
        for unit, values in part.items():
            by_unit.setdefault(unit, []).extend(values)
    medians = {unit: statistics.median(values) for unit, values in by_unit.items()}
    keyed: list[tuple[int, Key, Finding]] = []
    order = {kind: index for index, kind in enumerate(KINDS)}

    def found(key: Key, finding: Finding) -> None:
        keyed.append((order[finding.kind], key, finding))

    for judgement in judgements:
        for key, doc in judgement["found"]:
            found(key, finding_of(doc))
        for key, waits, entity_id, team_id, objective_id, *more in judgement["pending"]:
            if waits == Waits.MAP:
                if has_map:
                    found(key, finding_of(more[0]))
            elif waits == Waits.OWNER:
                owner_id, entity_type, what = more
                owner = people.get(owner_id)
                if owner is not None and not owner["active"]:
                    found(
                        key,
                        Finding(
                            FindingKind.INACTIVE_OWNER,
                            _ENTITY[entity_type],
                            entity_id,
                            team_id,
                            f"{what} is owned by {owner['name']} ({owner['handle']}), who "
                            "is deactivated: hand it to someone who is here (assignOwner).",
                            objective_id=objective_id,
                        ),
                    )
            elif waits == Waits.SILENCE:
                where, as_of, since, cadence = more
                if on < starts:
                    continue
                gap, quiet = _silence(as_of, date.fromisoformat(since), on)
                if gap > cadence:
                    found(
                        key,
                        Finding(
                            FindingKind.STALE_KEY_RESULT,
                            FindingEntityType.KEY_RESULT,
                            entity_id,
                            team_id,
                            f"Key result {where} has had no check-in {quiet}, longer than "
                            f"the team's {cadence}-day cadence: record where it stands.",
                            objective_id=objective_id,
                            measured=gap,
                            threshold=cadence,
                        ),
                    )
            elif waits == Waits.UNSERVED:
                if elapsed > limits.unserved_after:
                    found(
                        key,
                        Finding(
                            FindingKind.UNSERVED_KEY_RESULT,
                            FindingEntityType.KEY_RESULT,
                            entity_id,
                            team_id,
                            f"Key result {more[0]} has no bet and no objective cascading "
                            f"from it {days} days into {cycle['name']}: place a bet on it, "
                            "cascade it to a team, or drop it.",
                            objective_id=objective_id,
                            measured=round(elapsed, 3),
                            threshold=round(limits.unserved_after, 3),
                        ),
                    )
            elif waits == Waits.IDLE:
                title, name = more
                if elapsed > limits.key_action_idle_after:
                    found(
                        key,
                        Finding(
                            FindingKind.KEY_ACTION_IDLE,
                            FindingEntityType.ACTION,
                            entity_id,
                            team_id,
                            f"Key action “{title}” ({name}) is still an idea "
                            f"{days} days into {cycle['name']}: place a bet on it, or drop "
                            "it with the reason.",
                            objective_id=objective_id,
                            measured=round(elapsed, 3),
                            threshold=limits.key_action_idle_after,
                        ),
                    )
            elif waits == Waits.STAKE:
                unit, cost, progress, stakes, what = more
                median = medians.get(unit)
                times = ratio(cost, median) if median else 0.0
                if times > limits.stake_factor:
                    found(
                        key,
                        Finding(
                            FindingKind.TANGENT_BET,
                            FindingEntityType.BET,
                            entity_id,
                            team_id,
                            f"{stakes} for an expected {progress:.0%} of {what}, "
                            f"{times:.1f}× what the cycle's bets usually stake for that "
                            "much progress: cut the stake, raise the odds, or withdraw it.",
                            objective_id=objective_id,
                            measured=round(times, 2),
                            threshold=limits.stake_factor,
                        ),
                    )
    for key, finding in sources:
        found(key, finding)
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    return [finding for _, _, finding in keyed]


def owners_waited_on(judgements: Iterable[Doc]) -> list[str]:
    """The people whose being active decides a pending ownership finding."""
    return list({c[5]: None for j in judgements for c in j["pending"] if c[1] == Waits.OWNER})
