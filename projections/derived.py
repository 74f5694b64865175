"""Rows derived from other views, kept current by the projector batch by batch.

After a batch's events are applied, :func:`derive` finds the (cycle, team) pairs the
batch touched (its objectives, bets and check-ins; every team of a cycle whose
state changed; every cycle of a team that changed or whose parent did; the team of a
key result an objective cascades from) and recomputes only their tallies
(:mod:`projections.tallies`) and judgements (:mod:`projections.judged`), reading the
documents through :class:`Overlay`: the store as committed with the batch's own
documents on top, so the rows commit in the batch's transaction and are exactly-once
like the rest. A closed cycle's findings are recounted from its judgements when
something they depend on changed (its rows, people, the strategy map, its data
sources).

Each cycle's alignment tree (:mod:`projections.tree`) is kept the same way: the
trees a batch's objectives may have moved are walked again (:func:`_moved_trees`).

A rebuild skips this per batch and calls :func:`derive_all` once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from domain.model.cycle import CycleStatus
from domain.model.objective import objective_of
from projections import judged, tallies, tree
from projections.documents import Batch, Doc, counting
from projections.store import Between, ViewStore, Where
from projections.views import (
    ACTIONS,
    BETS,
    CHECK_INS,
    CYCLES,
    DATA_SOURCES,
    DERIVED,
    JUDGEMENTS,
    OBJECTIVES,
    PEOPLE,
    STRATEGY_MAPS,
    TALLIES,
    TEAMS,
    TREES,
    View,
)


def _matches(doc: Doc, where: Where) -> bool:
    for column, wanted in where.items():
        value = doc.get(column)
        if wanted is None:
            if value is not None:
                return False
        elif isinstance(wanted, Between):
            if value is None or (wanted.low is not None and value < wanted.low):
                return False
            if wanted.high is not None and value >= wanted.high:
                return False
        elif isinstance(wanted, str):
            if value != wanted:
                return False
        elif value not in wanted:
            return False
    return True


class Overlay:
    """The store's documents with a batch's uncommitted ones on top (``get`` and
    ``find`` by filters only: what the gatherers use)."""

    def __init__(self, store: ViewStore, batch: Batch) -> None:
        self.store = store
        self.batch = batch

    def _dirty(self, view: View) -> dict[str, Doc]:
        return self.batch.dirty.get(view.name, {})

    async def get(self, view: View, ids: Iterable[str]) -> dict[str, Doc]:
        ids = list(ids)
        dirty = self._dirty(view)
        missing = [i for i in ids if i not in dirty]
        found = await self.store.get(view, missing) if missing else {}
        return {i: dirty[i] if i in dirty else found[i] for i in ids if i in dirty or i in found}

    async def load(self, view: View, ids: Iterable[str]) -> dict[str, Doc]:
        return await self.get(view, ids)

    async def find(self, view: View, where: Where, **options: Any) -> list[Doc]:
        if options:
            raise ValueError("an overlay finds by filters only")
        dirty = self._dirty(view)
        docs = {d["id"]: d for d in await self.store.find(view, where)}
        for doc_id, doc in dirty.items():
            if _matches(doc, where):
                docs[doc_id] = doc
            else:
                docs.pop(doc_id, None)
        return sorted(docs.values(), key=lambda d: d["pos"])

    def as_store(self) -> ViewStore:
        """For the gatherers, which take a store and only ``get`` and ``find``."""
        return cast(ViewStore, self)


async def _team_rows(
    reader: Overlay, cycle: Doc, team_ids: set[str] | None
) -> list[tuple[View, Doc]]:
    """The tallies and judgements of these teams in ``cycle`` (None: of every team in
    it), as (view, row) pairs."""
    where: dict[str, Any] = {"cycle_id": cycle["id"]}
    if team_ids is not None:
        where["team_id"] = sorted(team_ids)
    objectives = await reader.find(OBJECTIVES, where)
    bets = await reader.find(BETS, where)
    actions = await reader.find(ACTIONS, where)
    if team_ids is None:
        team_ids = (
            {o["team_id"] for o in objectives}
            | {b["team_id"] for b in bets}
            | {a["team_id"] for a in actions}
        )
    key_result_ids = [kr["id"] for o in objectives for kr in o["key_results"]]
    check_ins: dict[str, list[Doc]] = {}
    if cycle["status"] == CycleStatus.CLOSED and key_result_ids:
        found = await reader.find(CHECK_INS, {"key_result_id": key_result_ids})
        for check_in in counting(found):  # retracted and corrected ones do not count
            check_ins.setdefault(check_in["key_result_id"], []).append(check_in)
    cascaded: dict[str, list[Doc]] = {kr_id: [] for kr_id in key_result_ids}
    if key_result_ids:
        children = await reader.find(OBJECTIVES, {"parent_key_result_id": key_result_ids})
        for child in children:
            cascaded[child["parent_key_result_id"]].append(child)
    teams = await reader.get(TEAMS, team_ids)
    parents = {t["parent_id"] for t in teams.values() if t["parent_id"]} - set(teams)
    teams.update(await reader.get(TEAMS, parents) if parents else {})
    by_team: dict[str, tuple[list[Doc], list[Doc], list[Doc]]] = {t: ([], [], []) for t in team_ids}
    for objective in objectives:
        by_team[objective["team_id"]][0].append(objective)
    for bet in bets:
        by_team[bet["team_id"]][1].append(bet)
    for action in actions:
        by_team[action["team_id"]][2].append(action)
    rows: list[tuple[View, Doc]] = []
    for team_id, (mine, theirs, ideas) in by_team.items():
        unit = teams[team_id]["stake_unit"] if team_id in teams else ""
        rows.append(
            (TALLIES, tallies.tally(cycle, team_id, mine, theirs, check_ins, unit, ideas))
        )
        served = {kr["id"]: cascaded[kr["id"]] for o in mine for kr in o["key_results"]}
        rows.append((JUDGEMENTS, judged.row(cycle, team_id, mine, theirs, ideas, teams, served)))
    return rows


async def _findings(reader: Overlay, cycle: Doc) -> Doc:
    """A closed cycle's findings counted per team, settled from its judgements (those
    of this batch included), as of the day it ended, whatever today is."""
    found = (await judged.gather(reader.as_store(), cycle)).findings(date.max, tallies.THRESHOLDS)
    return tallies.findings_row(cycle["id"], found)


def _reads(reader: Overlay | ViewStore) -> tuple[tree.Read, tree.Read]:
    """The two reads a walk of the cascade makes (:func:`tree.gather`) through ``reader``:
    objectives by id, and the objectives cascading from some key results."""

    async def parents(ids: list[str]) -> list[Doc]:
        return list((await reader.get(OBJECTIVES, ids)).values())

    async def children(key_results: list[str]) -> list[Doc]:
        return await reader.find(OBJECTIVES, {"parent_key_result_id": key_results})

    return parents, children


async def _tree(reader: Overlay, cycle: Doc) -> Doc:
    """The tree row of ``cycle``, walked afresh through ``reader``."""
    in_cycle = await reader.find(OBJECTIVES, {"cycle_id": cycle["id"]})
    docs = await tree.gather(in_cycle, *_reads(reader))
    return tree.row(cycle, tree.places(docs, cycle["id"]))


async def _related_cycles(reader: Overlay | ViewStore, objectives: list[Doc]) -> set[str]:
    """The cycles of these objectives, of their ancestors (through every parent pointer)
    and of their descendants (through every key result they ever had): every cycle whose
    tree may hold one of them."""
    docs = await tree.gather(objectives, *_reads(reader), key_results=tree.key_results_ever)
    return {d["cycle_id"] for d in docs.values()}


async def _moved_trees(reader: Overlay, committed: dict[str, Doc]) -> set[str]:
    """The cycles whose tree the batch's objectives may have changed (``committed``:
    those objectives as the store had them before the batch).

    The walk of a cycle's tree reads only the objectives in it, so a tree changes only
    if an objective whose edges moved (:func:`tree.moves_edges`) is in it before the
    batch or after: the trees of the cycles related to it (:func:`_related_cycles`) as
    committed, and as the batch leaves them. A check-in moves no edge: nothing to do.
    """
    dirty = reader.batch.dirty.get(OBJECTIVES.name, {})
    moved = [i for i, doc in dirty.items() if tree.moves_edges(committed.get(i), doc)]
    if not moved:
        return set()
    before = [committed[i] for i in moved if i in committed]
    cycles = await _related_cycles(reader.store, before) if before else set()
    return cycles | await _related_cycles(reader, [dirty[i] for i in moved])


async def derive(store: ViewStore, batch: Batch) -> None:
    """Put into ``batch`` the tallies, judgements and trees its documents change."""
    reader = Overlay(store, batch)
    # The batch's objectives as they were: what trees and judgements may have lost.
    changed = batch.dirty.get(OBJECTIVES.name, {})
    committed = await store.get(OBJECTIVES, list(changed)) if changed else {}
    trees = await _moved_trees(reader, committed) | set(batch.dirty.get(CYCLES.name, {}))
    if trees:
        for planted in (await reader.get(CYCLES, trees)).values():
            batch.put(TREES, await _tree(reader, planted))
    dirty = batch.dirty
    pairs: set[tuple[str, str]] = set()
    for view in (OBJECTIVES, BETS, ACTIONS):
        pairs.update((d["cycle_id"], d["team_id"]) for d in dirty.get(view.name, {}).values())
    # A check-in (recorded, retracted or corrected) counts in its objective's row, even
    # when its objective's document did not change (an older check-in retracted).
    wanted = {c.get("objective_id") or "" for c in dirty.get(CHECK_INS.name, {}).values()}
    wanted.discard("")
    loaded = batch.docs.get(OBJECTIVES.name, {})
    missing = wanted - set(loaded)
    found = await reader.get(OBJECTIVES, missing) if missing else {}
    for objective_id in wanted:
        objective = loaded.get(objective_id) or found.get(objective_id)
        if objective is not None:
            pairs.add((objective["cycle_id"], objective["team_id"]))
    # A key result's judgement counts the objectives cascading from it: those of the
    # key results an objective of the batch cascades from, now or before the batch.
    parents = {
        str(parent)
        for objective in (*changed.values(), *committed.values())
        if (parent := objective_of(objective["parent_key_result_id"] or "")) is not None
    }
    if parents:
        served = await reader.get(OBJECTIVES, parents)
        pairs.update((o["cycle_id"], o["team_id"]) for o in served.values())
    sources = dirty.get(DATA_SOURCES.name, {})
    whole = set(dirty.get(CYCLES.name, {}))
    changed_teams = sorted(dirty.get(TEAMS.name, {}))
    if changed_teams:
        # A team's rows name it, its cadence and unit; its children's name it as parent.
        below = await reader.find(TEAMS, {"parent_id": changed_teams})
        named = sorted({*changed_teams, *(t["id"] for t in below)})
        rows = await reader.find(JUDGEMENTS, {"team_id": named})
        pairs.update((r["cycle_id"], r["team_id"]) for r in rows)
    cycle_ids = whole | {c for c, _ in pairs}
    if not (cycle_ids or sources or dirty.get(PEOPLE.name) or dirty.get(STRATEGY_MAPS.name)):
        return
    # Closed cycles whose findings may have changed.
    recount = set(cycle_ids) | {d["cycle_id"] for d in sources.values() if d.get("cycle_id")}
    if dirty.get(PEOPLE.name) or dirty.get(STRATEGY_MAPS.name):
        recount.update(c["id"] for c in await reader.find(CYCLES, {"status": "CLOSED"}))
    cycles = await reader.get(CYCLES, cycle_ids | recount)
    for cycle_id in sorted(cycle_ids):
        cycle = cycles.get(cycle_id)
        if cycle is None:
            continue
        teams = None if cycle_id in whole else {t for c, t in pairs if c == cycle_id}
        derived = await _team_rows(reader, cycle, teams)
        for view, row in derived:
            batch.put(view, row)
        row_id = judged.stakes_id(cycle_id)
        kept = None if teams is None else (await reader.get(JUDGEMENTS, [row_id])).get(row_id)
        remade = [row for view, row in derived if view is JUDGEMENTS]
        batch.put(JUDGEMENTS, judged.restaked(kept, cycle_id, remade))
    for cycle_id in sorted(recount):
        cycle = cycles.get(cycle_id)
        if cycle is not None and cycle["status"] == CycleStatus.CLOSED:
            batch.put(TALLIES, await _findings(reader, cycle))


async def derive_all(store: ViewStore) -> int:
    """Every tally and tree, from the committed documents (the end of a rebuild); the
    rows made."""
    made = 0
    position = await store.position()
    for cycle in await store.find(CYCLES, {}):
        batch = Batch({})
        reader = Overlay(store, batch)
        rows = await _team_rows(reader, cycle, None)
        for view, row in rows:
            batch.put(view, row)
        remade = [row for view, row in rows if view is JUDGEMENTS]
        batch.put(JUDGEMENTS, judged.restaked(None, cycle["id"], remade))
        batch.put(TREES, await _tree(reader, cycle))
        if cycle["status"] == CycleStatus.CLOSED:
            batch.put(TALLIES, await _findings(reader, cycle))
        made += sum(len(batch.dirty.get(view.name, {})) for view in DERIVED)
        await store.commit(batch, position, position)
    return made
