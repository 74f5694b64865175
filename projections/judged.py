"""The alignment audit, kept as one judgement per team and cycle.

Auditing a cycle from its documents reads every objective, bet, action and team of it
(921 ms at a million events, before answering). Instead the projector keeps, for each
(cycle, team), what :func:`projections.audit.judge` makes of that team's documents:
the findings the documents alone decide (orphan and overloaded, at risk, without an
owner, a bet on a closed objective...) and the candidates that wait on what only the
asking moment knows: the day (stale key results, unserved ones and idle key actions
past a share of the cycle, judged from the dates kept with them), the people (an owner
deactivated), whether a strategy map exists, and the whole cycle's stake medians (a
team's bets' costs are kept with its row). A query reads a cycle's rows
(:func:`gather`) and settles them (:meth:`Judged.findings`) with
:func:`projections.audit.settle`: the same two functions the from-document audit
runs, so the rules live once; ``tests/e2e/test_tallies.py`` holds the rows to
that audit for random event streams on both stores, and a rebuild to the same rows.

A row is remade when the documents it was judged from change: its team's objectives,
bets, actions and check-ins, the team itself or its parent (names, cadence, unit),
the cycle, and an objective cascading from one of its key results.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from domain.model.data_source import BROKEN_AFTER, SourceStatus
from projections import audit
from projections.documents import Doc
from projections.store import ViewStore
from projections.tallies import THRESHOLDS
from projections.views import (
    DATA_SOURCES,
    JUDGEMENTS,
    OBJECTIVES,
    PEOPLE,
    STRATEGY_MAPS,
    TEAMS,
)


def row(
    cycle: Doc,
    team_id: str,
    objectives: Sequence[Doc],
    bets: Sequence[Doc],
    actions: Sequence[Doc],
    teams: dict[str, Doc],
    cascaded: dict[str, list[Doc]],
) -> Doc:
    """The judgement of one team in one cycle (``teams``: at least the team and its
    parent; ``cascaded``: the objectives cascading from its key results, by key result)."""
    facts = audit.Facts(
        cycle=cycle,
        objectives=list(objectives),
        teams=teams,
        bets=list(bets),
        cascaded=cascaded,
        strategy_map=None,
        actions=list(actions),
    )
    return {
        "id": f"{cycle['id']}/{team_id}",
        "cycle_id": cycle["id"],
        "team_id": team_id,
        "pos": min((o["pos"] for o in objectives), default=0),
        **audit.judge(facts, THRESHOLDS),
    }


def fits(limits: audit.Thresholds) -> bool:
    """Whether the rows serve an audit by ``limits``: the projector judges by the
    default thresholds (those the tallies count a closed cycle's findings by) what the
    documents alone decide; the rest (shares of the cycle, the stake factor) is applied
    when they are settled. A gateway configured otherwise audits from the documents."""
    return (
        limits.max_objectives == THRESHOLDS.max_objectives
        and limits.max_key_results == THRESHOLDS.max_key_results
        and limits.at_risk_confidence == THRESHOLDS.at_risk_confidence
        and limits.cadence_days == THRESHOLDS.cadence_days
    )


def stakes_id(cycle_id: str) -> str:
    return f"{cycle_id}/"


def stakes(cycle_id: str, costs: dict[str, dict[str, list[float]]]) -> Doc:
    """The row of every team's stake costs in a cycle (team ``""``): what a team's
    audit needs of the others (the medians its stakes are judged against), without
    reading their judgements."""
    return {
        "id": stakes_id(cycle_id),
        "cycle_id": cycle_id,
        "team_id": "",
        "pos": 0,
        "costs": dict(sorted(costs.items())),
    }


def restaked(row: Doc | None, cycle_id: str, judgements: Iterable[Doc]) -> Doc:
    """The stakes row with these teams' costs replaced (``row``: as it was, if any)."""
    costs = dict(row["costs"]) if row else {}
    for judgement in judgements:
        if judgement["costs"]:
            costs[judgement["team_id"]] = judgement["costs"]
        else:
            costs.pop(judgement["team_id"], None)
    return stakes(cycle_id, costs)


@dataclass
class Judged:
    """What settling a cycle's audit reads: its rows (every team's, or those of a
    scope), every team's stake costs, the owners the rows wait on, whether a strategy
    map exists, and the scope's broken data sources as findings."""

    cycle: Doc
    rows: list[Doc]
    costs: list[dict[str, list[float]]]
    people: dict[str, Doc]
    has_map: bool
    broken: list[tuple[audit.Key, audit.Finding]]

    def findings(self, today: date, limits: audit.Thresholds) -> list[audit.Finding]:
        return audit.settle(
            self.rows,
            self.cycle,
            today,
            self.people,
            self.has_map,
            self.broken,
            limits,
            self.costs,
        )


async def gather(store: ViewStore, cycle: Doc, team_ids: Iterable[str] | None = None) -> Judged:
    """A handful of indexed reads: the cycle's rows (of ``team_ids`` only, if given),
    its stakes row, the owners the rows wait on, the strategy map, the cycle's
    connected data sources."""
    where: dict[str, Any] = {"cycle_id": cycle["id"]}
    if team_ids is not None:
        where["team_id"] = sorted(team_ids)
    rows = [r for r in await store.find(JUDGEMENTS, where) if r["team_id"]]
    found = (await store.get(JUDGEMENTS, [stakes_id(cycle["id"])])).get(stakes_id(cycle["id"]))
    costs = list(found["costs"].values()) if found else []
    people = await store.get(PEOPLE, audit.owners_waited_on(rows))
    has_map = bool(await store.find(STRATEGY_MAPS, {}))
    sources = await store.find(
        DATA_SOURCES, {"cycle_id": cycle["id"], "status": SourceStatus.CONNECTED}
    )
    broken = [s for s in sources if s["failures"] >= BROKEN_AFTER]
    objectives = await store.get(OBJECTIVES, {s["objective_id"] for s in broken}) if broken else {}
    if team_ids is not None:
        scope = set(team_ids)
        objectives = {k: o for k, o in objectives.items() if o["team_id"] in scope}
    teams = (
        await store.get(TEAMS, {o["team_id"] for o in objectives.values()}) if objectives else {}
    )
    return Judged(
        cycle,
        rows,
        costs,
        people,
        has_map,
        audit.broken_sources(broken, objectives, teams),
    )


Findings = list[audit.Finding]
# Runs a computation: here, or where the caller wants it (the gateway's heavy pool).
Compute = Callable[[Callable[[], Findings]], Awaitable[Findings]]


async def _here(work: Callable[[], Findings]) -> Findings:
    return work()


async def audit_of(
    store: ViewStore,
    cycle: Doc,
    today: date,
    limits: audit.Thresholds,
    team_ids: Iterable[str] | None = None,
    compute: Compute = _here,
) -> Findings:
    """A cycle's findings (of ``team_ids`` only, if given): settled from its rows (of
    those teams only), or from its documents when ``limits`` judge what the rows were
    judged by otherwise; the reads here, the computing through ``compute``."""
    if fits(limits):
        rows = await gather(store, cycle, team_ids)
        return await compute(partial(rows.findings, today, limits))
    facts = await audit.gather(store, cycle["id"])
    if facts is None:
        return []
    found = await compute(partial(audit.audit, facts, today, limits))
    return found if team_ids is None else audit.in_teams(found, set(team_ids))
