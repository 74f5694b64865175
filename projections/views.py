"""The read models: one table per view, each row a JSON document plus the columns
that queries filter and sort on.

Documents keep projection logic independent of the database: handlers turn events
into documents in plain Python, and each store only has to save and fetch them.
Bump ``SCHEMA_VERSION`` whenever a document's shape or a view's columns change:
stores compare it with the version they were built at and rebuild from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 17
PROJECTION = "views"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # "text" or "bigint"

    def value(self, doc: dict[str, Any]) -> Any:
        return doc.get(self.name)


@dataclass(frozen=True)
class View:
    name: str
    columns: tuple[Column, ...]
    # Columns that get an index of their own (lists filter on them).
    indexed: tuple[str, ...] = ()
    # Multi-column indexes, e.g. (column, "pos") for keyset pages filtered by column.
    composite: tuple[tuple[str, ...], ...] = ()
    # One row per event, written once and never updated (its id is the log position):
    # stores may bulk-insert its rows (COPY) instead of upserting them.
    append_only: bool = False
    # Whether a rebuild keeps the view's documents in memory between batches: not for
    # views of one row per event that a later event rarely rewrites (check-ins).
    remembered: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _text(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "text") for n in names)


POS = Column("pos", "bigint")

TEAMS = View("teams", (*_text("parent_id", "status"), POS), indexed=("parent_id",))
CYCLES = View("cycles", (*_text("parent_id", "kind", "status", "starts_on"), POS))
OBJECTIVES = View(
    "objectives",
    (*_text("cycle_id", "team_id", "parent_key_result_id", "owner_id", "status"), POS),
    indexed=("cycle_id", "team_id", "parent_key_result_id"),
    # A cycle's, team's or owner's page in log order: an index range, not a scan of
    # every older cycle's objectives in pos order (130 ms at a million events).
    composite=(("cycle_id", "pos"), ("team_id", "pos"), ("owner_id", "pos")),
)
# One row per check-in, id ``<key result id>@<objective version>``; rewritten once if it
# is retracted or corrected (so not append-only), which is rare (so not remembered).
CHECK_INS = View(
    "check_ins",
    (*_text("key_result_id", "objective_id", "as_of"), POS),
    indexed=("key_result_id",),
    remembered=False,
)
BETS = View(
    "bets",
    (*_text("key_result_id", "objective_id", "team_id", "cycle_id", "owner_id"), POS),
    indexed=("key_result_id", "team_id", "cycle_id", "owner_id"),
)
# Key results live in their objective's document; who owns which is also a row here,
# so a person's key results are found by an index (one row per key result with an
# owner, rewritten when it changes hands).
KEY_RESULT_OWNERS = View(
    "key_result_owners",
    (*_text("owner_id", "objective_id", "cycle_id"), POS),
    indexed=("owner_id",),
)
# Actions (ideas, and the bets placed on them) by key result, team, cycle and status.
ACTIONS = View(
    "actions",
    (*_text("key_result_id", "objective_id", "team_id", "cycle_id", "status"), POS),
    indexed=("key_result_id", "team_id", "cycle_id"),
)
PORTFOLIOS = View("portfolios", (*_text("team_id", "cycle_id"), POS), indexed=("team_id",))
STRATEGY_MAPS = View("strategy_maps", (POS,))

TOKENS = View("tokens", (*_text("hash"), POS), indexed=("hash",))
# People by handle and by email (case folded): how tokens and JWTs find them.
PEOPLE = View("people", (*_text("handle", "email_key"), POS), indexed=("handle", "email_key"))
# One row per person and team they are or were in (``left`` once they left).
MEMBERSHIPS = View(
    "memberships", (*_text("team_id", "person_id"), POS), indexed=("team_id", "person_id")
)

# Data sources (issue 17): the scheduler finds due ones by (status, next_run_at), the
# audit a cycle's by cycle_id. Key results find theirs by id (derived from theirs).
DATA_SOURCES = View(
    "data_sources",
    (*_text("key_result_id", "cycle_id", "team_id", "status", "next_run_at"), POS),
    indexed=("cycle_id",),
    composite=(("status", "next_run_at"),),
)
# Webhooks (issue 16): every one is read by the dispatcher; a team's, by its leads.
WEBHOOKS = View("webhooks", (*_text("team_id"), POS), indexed=("team_id",))

# One row per event (see projections/history.py). Every filter of the audit trail has
# a (column, pos) index, so a page filtered by it is an index range scan in log order
# either way; (stream_id, recorded_at) finds the version of a stream at a moment.
HISTORY_FILTERS = ("entity_id", "stream_id", "entity_type", "event_type", "actor", "cycle_id")
HISTORY = View(
    "history",
    (
        *_text(*HISTORY_FILTERS, "recorded_at"),
        Column("version", "bigint"),
        POS,
    ),
    composite=(
        *((column, "pos") for column in HISTORY_FILTERS),
        ("stream_id", "recorded_at"),
        ("recorded_at",),
    ),
    append_only=True,
)

# What the retrospective needs of each team in each cycle, kept by the projector
# (projections/tallies.py, projections/derived.py); the row with team_id "" holds a
# closed cycle's audit findings per team.
TALLIES = View("tallies", (*_text("cycle_id", "team_id"), POS), indexed=("cycle_id", "team_id"))
# What the alignment audit makes of each team's documents in each cycle
# (projections/judged.py), kept by the projector beside the tallies.
JUDGEMENTS = View(
    "judgements", (*_text("cycle_id", "team_id"), POS), indexed=("cycle_id", "team_id")
)
# Each cycle's alignment tree, its places depth-first (projections/tree.py), kept by the
# projector too; one row per cycle, its id the cycle's. A view of its own rather than
# more tallies rows: every reader of those takes a row for a team's or for findings.
TREES = View("trees", (POS,))
# Views the projector derives from the others after each batch, not made by handlers.
DERIVED = (TALLIES, JUDGEMENTS, TREES)

ALL_VIEWS = (
    TEAMS,
    CYCLES,
    OBJECTIVES,
    CHECK_INS,
    BETS,
    PORTFOLIOS,
    STRATEGY_MAPS,
    TOKENS,
    PEOPLE,
    MEMBERSHIPS,
    KEY_RESULT_OWNERS,
    ACTIONS,
    DATA_SOURCES,
    HISTORY,
    TALLIES,
    JUDGEMENTS,
    TREES,
    WEBHOOKS,
)
VIEWS_BY_NAME = {view.name: view for view in ALL_VIEWS}
