"""Loading entities for resolvers: through the request's DataLoaders, built into types.

Types refer to each other both ways (a team lists its objectives, an objective names
its team), so no type module imports another: relations resolve through these
functions, and the types package fills :data:`BUILD` with each type's constructor
from a view document (one table, in ``gateway.schema.types``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import anyio

from domain.model.objective import objective_of
from gateway.schema.context import Info
from gateway.schema.moments import utc
from projections import time_travel
from projections.documents import Doc

if TYPE_CHECKING:
    from gateway.schema.types.action import Action
    from gateway.schema.types.bet import Bet
    from gateway.schema.types.cycle import Cycle
    from gateway.schema.types.key_result import KeyResult
    from gateway.schema.types.objective import Objective
    from gateway.schema.types.person import Person
    from gateway.schema.types.team import Team


@dataclass
class Builders:
    """Each type's constructor from its view document."""

    team: Callable[[Doc], Any] | None = None
    cycle: Callable[[Doc], Any] | None = None
    objective: Callable[[Doc], Any] | None = None
    key_result: Callable[[Doc], Any] | None = None
    bet: Callable[[Doc], Any] | None = None
    person: Callable[[Doc], Any] | None = None
    action: Callable[[Doc], Any] | None = None


BUILD = Builders()


def as_team(doc: Doc) -> Team:
    assert BUILD.team is not None
    return cast("Team", BUILD.team(doc))


def as_cycle(doc: Doc) -> Cycle:
    assert BUILD.cycle is not None
    return cast("Cycle", BUILD.cycle(doc))


def as_objective(doc: Doc) -> Objective:
    assert BUILD.objective is not None
    return cast("Objective", BUILD.objective(doc))


def as_key_result(doc: Doc) -> KeyResult:
    assert BUILD.key_result is not None
    return cast("KeyResult", BUILD.key_result(doc))


def as_bet(doc: Doc) -> Bet:
    assert BUILD.bet is not None
    return cast("Bet", BUILD.bet(doc))


def as_action(doc: Doc) -> Action:
    assert BUILD.action is not None
    return cast("Action", BUILD.action(doc))


def as_person(doc: Doc) -> Person:
    assert BUILD.person is not None
    return cast("Person", BUILD.person(doc))


async def team(info: Info, team_id: str | None) -> Team | None:
    doc = await info.context.loaders.team.load(str(team_id)) if team_id else None
    return as_team(doc) if doc else None


async def cycle(info: Info, cycle_id: str | None) -> Cycle | None:
    doc = await info.context.loaders.cycle.load(str(cycle_id)) if cycle_id else None
    return as_cycle(doc) if doc else None


async def objective(info: Info, objective_id: str | None) -> Objective | None:
    doc = await info.context.loaders.objective.load(str(objective_id)) if objective_id else None
    return as_objective(doc) if doc else None


async def key_result(info: Info, key_result_id: str | None) -> KeyResult | None:
    """A key result, found in its objective's document (key results live there)."""
    objective_id = objective_of(str(key_result_id)) if key_result_id else None
    if objective_id is None:
        return None
    doc = await info.context.loaders.objective.load(str(objective_id))
    for row in doc["key_results"] if doc else []:
        if row["id"] == key_result_id:
            return as_key_result(row)
    return None


async def bet(info: Info, bet_id: str | None) -> Bet | None:
    doc = await info.context.loaders.bet.load(str(bet_id)) if bet_id else None
    return as_bet(doc) if doc else None


async def action(info: Info, action_id: str | None) -> Action | None:
    doc = await info.context.loaders.action.load(str(action_id)) if action_id else None
    return as_action(doc) if doc else None


async def actions_of(info: Info, key_result_id: str, status: str | None) -> list[Action]:
    """A key result's actions in the team's order (ranked first), optionally of a status."""
    docs = await info.context.loaders.actions_by_key_result.load(key_result_id)
    kept = [d for d in docs if status is None or d["status"] == status]
    return [as_action(d) for d in sorted(kept, key=_rank)]


def _rank(doc: Doc) -> tuple[bool, int, int]:
    return (doc["rank"] is None, doc["rank"] or 0, doc["pos"])


async def person(info: Info, person_id: str | None) -> Person | None:
    doc = await info.context.loaders.person.load(str(person_id)) if person_id else None
    return as_person(doc) if doc else None


async def people(info: Info, person_ids: list[str]) -> list[Person]:
    """Those people, in that order (ids that name nobody left out)."""
    docs = await info.context.loaders.person.load_many(person_ids)
    return [as_person(doc) for doc in docs if doc]


async def person_by_handle(info: Info, handle: str | None) -> Person | None:
    """The person with that handle (ignoring case), or None: how an actor recorded on
    events is linked to a person."""
    docs = await info.context.loaders.people_by_handle.load(handle.lower()) if handle else []
    return as_person(docs[0]) if docs else None


# -- time travel: documents as they were recorded at a moment -------------------------


def created_by(doc: Doc, at: datetime) -> bool:
    """Whether the entity of a current document existed at ``at`` (nothing is deleted)."""
    return datetime.fromisoformat(doc["created_at"]) <= at


async def documents_at(info: Info, ids: list[str], at: datetime) -> dict[str, Doc]:
    """The documents of these entities rebuilt from the log as of ``at`` (absent: not
    created by then)."""
    backend = info.context.backend
    return await time_travel.documents_at(
        backend.app, backend.store, ids, utc(at), anyio.to_thread.run_sync
    )


async def objective_doc_at(info: Info, objective_id: str, at: datetime) -> Doc | None:
    doc = (await documents_at(info, [objective_id], at)).get(objective_id)
    return doc if doc and "key_results" in doc else None


async def key_result_row_at(info: Info, key_result_id: str, at: datetime) -> Doc | None:
    """A key result's row as of ``at``, from its objective's rebuilt document."""
    objective_id = objective_of(key_result_id)
    doc = await objective_doc_at(info, str(objective_id), at) if objective_id else None
    rows = doc["key_results"] if doc else []
    return next((kr for kr in rows if kr["id"] == key_result_id), None)
