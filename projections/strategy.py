"""The strategy map's entries and the objectives serving each, from documents or tallies.

:func:`entries` is the from-scratch rule (kept as the test oracle): the map's values
(or constituents) in its order, then tags no longer in the map (``retired``), each
with the objectives in scope (not archived) that carry it, in log order; an entry is
matched case-insensitively and named as the map (or its first objective) spells it.
:func:`tagged` is the part of one team's objectives the projector keeps in its tally
row, and :func:`entries_of_rows` gives the same entries from those rows, so the query
reads a few small rows instead of every objective of the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from domain.model.objective import ObjectiveStatus
from projections.documents import Doc

FIELDS = ("values", "constituents")


@dataclass
class Entry:
    name: str
    retired: bool
    objective_ids: list[str] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)
    team_ids: list[str] = field(default_factory=list)

    def add(self, objective_id: str, score: float | None, team_id: str) -> None:
        self.objective_ids.append(objective_id)
        self.scores.append(score)
        self.team_ids.append(team_id)


def in_scope(objective: Doc) -> bool:
    return bool(objective["status"] != ObjectiveStatus.ARCHIVED)


def untagged(objective: Doc) -> bool:
    return not objective.get("values") and not objective.get("constituents")


def _start(map_doc: Doc | None, name: str) -> dict[str, Entry]:
    return {tag.casefold(): Entry(tag, False) for tag in (map_doc[name] if map_doc else [])}


def entries(map_doc: Doc | None, objectives: Iterable[Doc], name: str) -> list[Entry]:
    """From the documents (objectives in log order)."""
    found = _start(map_doc, name)
    for objective in objectives:
        if not in_scope(objective):
            continue
        for tag in objective.get(name, []):
            entry = found.setdefault(tag.casefold(), Entry(tag, True))
            entry.add(objective["id"], objective["score"], objective["team_id"])
    return list(found.values())


def untagged_ids(map_doc: Doc | None, objectives: Iterable[Doc]) -> list[str]:
    if map_doc is None:
        return []
    return [o["id"] for o in objectives if in_scope(o) and untagged(o)]


def tagged(objectives: Iterable[Doc]) -> Doc:
    """One team's share, for its tally row: each (objective, tag) as ``[pos, index, tag,
    objective id, score, team id]`` per field, and the untagged objectives as ``[pos,
    id]``."""
    part: Doc = {name: [] for name in FIELDS}
    part["untagged"] = []
    for o in objectives:
        if not in_scope(o):
            continue
        for name in FIELDS:
            for index, tag in enumerate(o.get(name, [])):
                part[name].append([o["pos"], index, tag, o["id"], o["score"], o["team_id"]])
        if untagged(o):
            part["untagged"].append([o["pos"], o["id"]])
    return part


def entries_of_rows(map_doc: Doc | None, rows: Sequence[Doc], name: str) -> list[Entry]:
    """From tally rows (of one cycle or several): the same as :func:`entries`."""
    found = _start(map_doc, name)
    pairs = sorted(
        (p for row in rows for p in row.get("strategy", {}).get(name, [])),
        key=lambda p: (p[0], p[1]),
    )
    for _, _, tag, objective_id, score, team_id in pairs:
        found.setdefault(tag.casefold(), Entry(tag, True)).add(objective_id, score, team_id)
    return list(found.values())


def untagged_of_rows(map_doc: Doc | None, rows: Sequence[Doc]) -> list[str]:
    if map_doc is None:
        return []
    pairs = sorted(p for row in rows for p in row.get("strategy", {}).get("untagged", []))
    return [objective_id for _, objective_id in pairs]
